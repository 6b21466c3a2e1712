/**
 * Scenario 10: warm-up. A replica restarted over a storage account that holds the window's
 * documents: the first 1,000 requests over them once it reports ready, against the same
 * requests again when all of them are in memory (the steady state).
 */
import { BlobNames } from '../../src/blob/blob-names';
import { createHash } from 'node:crypto';

import { mapLimit } from '../../src/common/map-limit';
import { serializeManifest, type ManifestEntry } from '../../src/domain/date-manifest';
import { type CompanyId, type ScheduleDate } from '../../src/domain/schedule-key';
import { ROUNDS } from '../support/config';
import { type Context } from '../support/context';
import { distinctCopy, seedDocument } from '../support/documents';
import { scrapeMetrics } from '../support/metrics';
import { log, withStarted } from '../support/processes';
import { type Row } from '../support/report';
import { median } from '../support/rows';
import { scheduleUrl, utcDate } from '../support/schedule-http';
import { AUTH, startService } from '../support/servers';
import { percentile } from '../support/stats';

const REQUESTS = 1_000;
/** PREGEN_DAYS of the service: today .. today + 6. */
const DAYS = 7;
const COMPANIES_PER_DATE = Math.ceil(REQUESTS / DAYS);
const FIRST_COMPANY_ID = 2_000_000;
/** Requests in flight: a replica taking its share of traffic right after it turns ready. */
const CONCURRENCY = 10;
const MIN_MEMORY_HIT_SHARE = 0.99;
const MAX_P99_RATIO = 2;
const BLOB_READS = 'schedule_cache_blob_operation_duration_seconds_count{op="read"}';
/** Below the benchmark's 60 s start timeout: a contended machine reads Azurite slowly. */
const WARMUP_TIMEOUT_MS = '50000';

interface Key {
  companyId: number;
  date: string;
}

interface Pass {
  p50Ms: number;
  p99Ms: number;
  hits: number;
  wrong: number;
}

interface Restart {
  first: Pass;
  steady: Pass;
  /** Blob reads during the first pass: an upper bound of the answers not from memory. */
  blobReads: number;
  warmUpSeconds: number;
  warmUpDocuments: number;
  warmUpState: string;
}

export async function warmUp(ctx: Context): Promise<Row[]> {
  const keys = await seedWindow(ctx);
  const restarts: Restart[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    restarts.push(await restart(ctx, keys, `warm-up, restart ${round}`, {}));
  }
  const cold = await restart(ctx, keys, 'warm-up off', { WARMUP_TIMEOUT_MS: '0' });

  const firstP99 = median(restarts.map((r) => r.first.p99Ms));
  const steadyP99 = median(restarts.map((r) => r.steady.p99Ms));
  const memoryHits = restarts.map((r) => Math.max(0, r.first.hits - r.blobReads));
  const worstShare = Math.min(...memoryHits) / REQUESTS;
  const wrong = restarts.reduce((n, r) => n + r.first.wrong + r.steady.wrong, 0);
  const problems = wrong > 0 ? `, ${wrong} not 200` : '';
  const share = (r: Restart) =>
    `${((Math.max(0, r.first.hits - r.blobReads) / REQUESTS) * 100).toFixed(1)} %`;
  return [
    {
      scenario: `10. warm-up: first ${REQUESTS} requests after a restart, worst of ${ROUNDS} restarts`,
      reqPerS: null,
      p50Ms: null,
      p99Ms: null,
      baseline: `${DAYS} dates × ${COMPANIES_PER_DATE} stored documents`,
      ratio:
        `${(worstShare * 100).toFixed(1)} % HIT from memory` +
        `, ${Math.min(...restarts.map((r) => r.warmUpDocuments))} loaded` +
        problems,
      goal: `≥ ${MIN_MEMORY_HIT_SHARE * 100} % X-Cache HIT with no blob read`,
      pass: wrong === 0 && worstShare >= MIN_MEMORY_HIT_SHARE,
    },
    {
      scenario: `10. warm-up: p99 of the first ${REQUESTS} requests, median of ${ROUNDS} restarts`,
      reqPerS: null,
      p50Ms: median(restarts.map((r) => r.first.p50Ms)),
      p99Ms: firstP99,
      baseline: `same again, in memory: median p99 ${steadyP99.toFixed(1)} ms`,
      ratio: `${(firstP99 / steadyP99).toFixed(2)}×`,
      goal: `≤ ${MAX_P99_RATIO}×`,
      pass: firstP99 <= MAX_P99_RATIO * steadyP99,
    },
    {
      scenario: `10. warm-up off (WARMUP_TIMEOUT_MS=0): first ${REQUESTS} requests`,
      reqPerS: null,
      p50Ms: cold.first.p50Ms,
      p99Ms: cold.first.p99Ms,
      baseline: `same again, in memory: p99 ${cold.steady.p99Ms.toFixed(1)} ms`,
      ratio: `${share(cold)} HIT from memory, p99 ${(cold.first.p99Ms / cold.steady.p99Ms).toFixed(2)}×`,
      goal: 'diagnostic: what the warm-up saves',
      pass: null,
    },
  ];
}

/** Distinct ~100 KB documents for every date of the window, and each date's manifest. */
async function seedWindow(ctx: Context): Promise<Key[]> {
  const container = ctx.container('warm-up');
  await container.createIfNotExists();
  const dates = Array.from({ length: DAYS }, (_, day) => utcDate(day));
  const keys = dates.flatMap((date) =>
    Array.from({ length: COMPANIES_PER_DATE }, (_, i) => ({
      companyId: FIRST_COMPANY_ID + i,
      date,
    })),
  );
  log(`warm-up: seeding ${keys.length} documents and ${DAYS} manifests into Azurite`);
  const bodies = await mapLimit(keys, 32, async ({ companyId, date }) => {
    const body = distinctCopy(ctx.hotDoc.body, `${companyId}/${date}`);
    await seedDocument(container, { companyId, date, body });
    return body;
  });
  for (const date of dates) {
    const companies = new Map<CompanyId, ManifestEntry>();
    keys.forEach((key, index) => {
      if (key.date === date) {
        const body = bodies[index];
        const sha256 = createHash('sha256').update(body).digest('hex');
        companies.set(key.companyId as CompanyId, { jobs: 1, sha256, bytes: body.length });
      }
    });
    const manifest = serializeManifest({
      date: date as ScheduleDate,
      generatedAt: new Date().toISOString(),
      companies,
    });
    await container
      .getBlockBlobClient(BlobNames.manifest(date as ScheduleDate))
      .uploadData(manifest, {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
  }
  // Every date, mixed: the order a replica's first callers would ask in.
  return shuffled(keys).slice(0, REQUESTS);
}

/** A fresh service (memory empty), ready; the first pass over `keys`, then the same again. */
function restart(
  ctx: Context,
  keys: Key[],
  label: string,
  extra: Record<string, string>,
): Promise<Restart> {
  return withStarted(async (start) => {
    const env = ctx.env('warm-up', {
      CACHE_REVALIDATE_SECONDS: '3600',
      WARMUP_TIMEOUT_MS,
      ...extra,
    });
    const service = await start(startService(env, 'warm-up'));
    const warmUpState = await readiness(service.url);
    const before = await scrapeMetrics(service.url);
    const first = await pass(service.url, keys);
    const after = await scrapeMetrics(service.url);
    const steady = await pass(service.url, keys);
    const blobReads = (after.get(BLOB_READS) ?? 0) - (before.get(BLOB_READS) ?? 0);
    const restart = {
      first,
      steady,
      blobReads,
      warmUpSeconds: before.get('schedule_cache_warmup_duration_seconds') ?? 0,
      warmUpDocuments: before.get('schedule_cache_warmup_documents') ?? 0,
      warmUpState,
    };
    ctx.report.detail(
      `${label}: warm-up ${warmUpState}, loaded ${restart.warmUpDocuments} documents in ` +
        `${restart.warmUpSeconds.toFixed(2)} s; first pass ${first.hits} HIT, ${blobReads} blob ` +
        `reads, p50 ${first.p50Ms.toFixed(1)} ms, p99 ${first.p99Ms.toFixed(1)} ms; again: ` +
        `${steady.hits} HIT, p50 ${steady.p50Ms.toFixed(1)} ms, p99 ${steady.p99Ms.toFixed(1)} ms`,
    );
    return restart;
  });
}

async function pass(base: string, keys: Key[]): Promise<Pass> {
  const answers = await mapLimit(keys, CONCURRENCY, async ({ companyId, date }) => {
    const t0 = performance.now();
    const response = await fetch(scheduleUrl(base, date, companyId), {
      headers: { ...AUTH, 'accept-encoding': 'identity' },
      signal: AbortSignal.timeout(30_000),
    });
    const length = (await response.arrayBuffer()).byteLength;
    return {
      ms: performance.now() - t0,
      hit: response.headers.get('x-cache') === 'HIT',
      ok: response.status === 200 && length > 0,
    };
  });
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    p50Ms: percentile(ms, 50) ?? 0,
    p99Ms: percentile(ms, 99) ?? 0,
    hits: answers.filter((a) => a.hit).length,
    wrong: answers.filter((a) => !a.ok).length,
  };
}

/** The warm-up's state as readiness reports it. */
async function readiness(base: string): Promise<string> {
  const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { details?: { warmUp?: { state?: string } } };
  return body.details?.warmUp?.state ?? 'unknown';
}

/** A fixed pseudo-random order, the same in every run. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let seed = 1;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 48_271) % 2_147_483_647;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
