/**
 * Scenario 8: the memory bound of the in-process cache under eviction. Distinct ~100 KB documents
 * requested round-robin with the cache on, against the same load with the cache off: what the
 * process needs besides the cache.
 */
import { mapLimit } from '../../src/common/map-limit';
import { CACHE_MEMORY_MB_DEFAULT } from '../support/config';
import { type Context } from '../support/context';
import { distinctCopy, seedDocument } from '../support/documents';
import { log, sleep, withStarted } from '../support/processes';
import { scheduleUrl, utcDate } from '../support/schedule-http';
import { AUTH, startService } from '../support/servers';
import { procStatusBytes, RssSampler } from '../support/proc-stats';
import { type Row } from '../support/report';
import { percentile } from '../support/stats';

const MIB = 1024 * 1024;
/** Allowance on top of the cache-off reference's peak RSS + CACHE_MEMORY_MB (GC timing). */
const MEMORY_SLACK_MB = 32;

interface Key {
  companyId: number;
  date: string;
}

interface MemoryRun {
  idleRss: number;
  maxRss: number;
  wrong: number;
  reqPerS: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

const mb = (bytes: number): string => (bytes / MIB).toFixed(0);

export async function memory(ctx: Context): Promise<Row[]> {
  const { memoryDocs, memoryPasses, memoryCacheMb } = ctx.config;
  const container = ctx.container('memory');
  await container.createIfNotExists();
  const keys = Array.from({ length: memoryDocs }, (_, i) => ({
    companyId: 1_000_000 + (i % 100),
    date: utcDate(200 + Math.floor(i / 100)),
  }));
  log(`memory: seeding ${memoryDocs} documents into Azurite`);
  const seedStarted = performance.now();
  const sizes = await mapLimit(keys, 32, async ({ companyId, date }) => {
    const body = distinctCopy(ctx.hotDoc.body, `${companyId}/${date}`);
    await seedDocument(container, { companyId, date, body });
    return body.length;
  });
  const totalMb = sizes.reduce((n, s) => n + s, 0) / MIB;
  ctx.report.detail(
    `memory: seeded ${memoryDocs} documents, ${totalMb.toFixed(0)} MB, in ` +
      `${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );

  const cacheMb = memoryCacheMb ?? CACHE_MEMORY_MB_DEFAULT;
  // The same load with the cache off, passes included: what the process needs besides the cache.
  const reference = await memoryRun(ctx, keys, sizes, 0);
  const run = await memoryRun(ctx, keys, sizes, memoryCacheMb);
  const limit = reference.maxRss + (cacheMb + MEMORY_SLACK_MB) * MIB;
  const overhead = run.maxRss - cacheMb * MIB;
  ctx.report.detail(
    `memory: fixed overhead measured: max RSS ${mb(run.maxRss)} MB − CACHE_MEMORY_MB ${cacheMb} = ` +
      `${mb(overhead)} MB (the cache-off reference peaked at ${mb(reference.maxRss)} MB; idle ` +
      `${mb(run.idleRss)} MB)`,
  );
  const wrong = run.wrong + reference.wrong;
  return [
    {
      scenario: `8. memory, ${memoryDocs} distinct documents × ${memoryPasses} passes`,
      reqPerS: run.reqPerS,
      p50Ms: run.p50Ms,
      p99Ms: run.p99Ms,
      baseline: `cache off: max RSS ${mb(reference.maxRss)} MB (idle ${mb(reference.idleRss)} MB)`,
      ratio:
        `max RSS ${mb(run.maxRss)} MB = ${cacheMb} MB + ${mb(overhead)} MB overhead` +
        (wrong > 0 ? `, ${wrong} wrong answers` : ''),
      goal: `≤ cache-off max + ${cacheMb} + ${MEMORY_SLACK_MB} MB (${mb(limit)} MB)`,
      pass: wrong === 0 && run.maxRss <= limit,
    },
  ];
}

/**
 * One service (CACHE_MEMORY_MB `cacheMb`; null: its default) over the memory container:
 * every document BENCH_MEMORY_PASSES times, round-robin, RSS sampled every 100 ms.
 */
function memoryRun(
  ctx: Context,
  keys: Key[],
  sizes: number[],
  cacheMb: number | null,
): Promise<MemoryRun> {
  const { memoryConcurrency, memoryPasses: passes } = ctx.config;
  const extra: Record<string, string> =
    cacheMb === null ? {} : { CACHE_MEMORY_MB: String(cacheMb) };
  const name = `memory-${cacheMb ?? 'default'}`;
  return withStarted(async (start) => {
    const service = await start(startService(ctx.env('memory', extra), name));
    await sleep(2_000);
    const idleRss = (await procStatusBytes(service.pid, 'VmRSS')) ?? 0;
    const sampler = new RssSampler(service.pid, 100);
    const order = Array.from({ length: keys.length * passes }, (_, i) => i % keys.length);
    const started = performance.now();
    const answers = await mapLimit(order, memoryConcurrency, async (index) => {
      const { companyId, date } = keys[index];
      const t0 = performance.now();
      const response = await fetch(scheduleUrl(service.url, date, companyId), {
        headers: { ...AUTH, 'accept-encoding': 'identity' },
        signal: AbortSignal.timeout(30_000),
      });
      const length = (await response.arrayBuffer()).byteLength;
      return { ok: response.status === 200 && length === sizes[index], ms: performance.now() - t0 };
    });
    const elapsedS = (performance.now() - started) / 1000;
    const during = sampler.stop();
    const atEnd = (await procStatusBytes(service.pid, 'VmRSS')) ?? 0;
    await sleep(3_000);
    const after = (await procStatusBytes(service.pid, 'VmRSS')) ?? 0;
    const maxRss = Math.max(during.maxBytes, atEnd);
    const wrong = answers.filter((a) => !a.ok).length;
    const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
    ctx.report.detail(
      `memory, CACHE_MEMORY_MB ${cacheMb ?? `default (${CACHE_MEMORY_MB_DEFAULT})`}: ` +
        `${order.length} requests (${passes} round-robin pass(es), ${memoryConcurrency} at a time) ` +
        `in ${elapsedS.toFixed(1)} s; RSS idle ${mb(idleRss)} MB, max sampled ${mb(maxRss)} MB ` +
        `(${during.samples} samples), at the end ${mb(atEnd)} MB, 3 s later ${mb(after)} MB; ` +
        `${wrong} wrong answers`,
    );
    return {
      idleRss,
      maxRss,
      wrong,
      reqPerS: order.length / elapsedS,
      p50Ms: percentile(ms, 50),
      p99Ms: percentile(ms, 99),
    };
  });
}
