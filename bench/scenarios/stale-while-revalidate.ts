/**
 * Scenario 6: stale answers while one refresh is running (the upstream slower than every run)
 * against hits on the same document from a third replica for which it is fresh; alternating.
 * Every probed answer must be STALE, with one upstream call.
 */
import { request } from '../../test/support/http';
import { ROUNDS } from '../support/config';
import { type Context } from '../support/context';
import { withStarted } from '../support/processes';
import {
  cacheHeaders,
  CacheProbe,
  countWithXCache,
  describeCounts,
  header,
  scheduleUrl,
  waitForHit,
} from '../support/schedule-http';
import { AUTH, startService, type Service } from '../support/servers';
import { type Row } from '../support/report';
import { ratioRow, row } from '../support/rows';
import { withStaleReplicas } from '../support/stale-replicas';

export function staleWhileRevalidate(ctx: Context): Promise<Row[]> {
  return withStaleReplicas(ctx, 'stale', ({ services, urls }) =>
    withStarted(async (start) => {
      // Default CACHE_MAX_AGE: the document pre-generated a moment ago is fresh there.
      const fresh = await start(startService(ctx.env('stale'), 'stale-fresh'));
      await loadDocument(ctx, fresh);
      return measure(ctx, services[0], urls[0], fresh);
    }),
  );
}

/** A miss on `service` stores the sim document (unless it is there); returns once a hit serves it. */
async function loadDocument(ctx: Context, service: Service): Promise<void> {
  const { companyId, date } = ctx.simDoc;
  const url = scheduleUrl(service.url, date, companyId);
  const miss = await request(url, { headers: AUTH });
  if (miss.status !== 200) {
    throw new Error(`first GET: HTTP ${miss.status} ${miss.body.toString().slice(0, 300)}`);
  }
  const hit = await waitForHit(url);
  if (!hit.body.equals(miss.body)) {
    throw new Error('the hit differs from the miss');
  }
  ctx.report.detail(
    `sim document: company ${companyId}, ${date}, ${hit.body.length} bytes; miss X-Cache ` +
      `${header(miss, 'x-cache')}; hit headers: ${cacheHeaders(hit)}`,
  );
}

async function measure(
  ctx: Context,
  service: Service,
  url: string,
  fresh: Service,
): Promise<Row[]> {
  const { sim } = ctx.stack;
  const { companyId, date } = ctx.simDoc;
  const { swrLatencyMs } = ctx.config;
  sim.setLatency(swrLatencyMs, swrLatencyMs);
  const probe = new CacheProbe([url]);
  const before = sim.calls(date);
  const started = Date.now();
  // No warm-ups: BENCH_SWR_LATENCY_MS's default keeps the one refresh in flight through these runs.
  const freshUrl = scheduleUrl(fresh.url, date, companyId);
  const [m, hot] = await ctx.alternating([
    (round) =>
      ctx.loadRun(`stale-while-revalidate (service), round ${round}`, service.pid, url, AUTH, 0),
    (round) =>
      ctx.loadRun(
        `hot hit, same document (fresh replica), round ${round}`,
        fresh.pid,
        freshUrl,
        AUTH,
        0,
      ),
  ]);
  const seconds = (Date.now() - started) / 1000;
  const calls = sim.calls(date) - before;
  const seen = await probe.stop();
  const stale = countWithXCache(seen, 'STALE');
  const answers = [...seen.values()].reduce((sum, n) => sum + n, 0);
  ctx.report.detail(
    `stale-while-revalidate: X-Cache seen by the probe: ${describeCounts(seen)}; ` +
      `${calls} upstream call(s) for ${date} during ${seconds.toFixed(0)} s ` +
      `(sim latency ${swrLatencyMs} ms: one refresh running through every run)`,
  );
  return [
    ratioRow(
      '6. stale-while-revalidate, throughput',
      m,
      hot,
      `hot hit, same document, median of ${ROUNDS}`,
      0.8,
    ),
    row('6. stale-while-revalidate, refreshes', null, {
      baseline: `${m.result.requests} requests, STALE seen ${stale} of ${answers}×`,
      ratio: `${calls} upstream call(s)`,
      goal: 'every answer STALE, 1 call',
      pass: answers > 0 && stale === answers && calls === 1,
    }),
  ];
}
