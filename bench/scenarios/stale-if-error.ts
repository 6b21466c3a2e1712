/**
 * Scenario 7: both stale replicas under load while the upstream answers 500 to every call:
 * no 5xx may reach a client.
 */
import { type Context } from '../support/context';
import { measure } from '../support/load';
import { sleep } from '../support/processes';
import { CacheProbe, describeCounts } from '../support/schedule-http';
import { AUTH } from '../support/servers';
import { type Row } from '../support/report';
import { problemsSuffix, runProblems } from '../support/rows';
import { STALE_MAX_AGE_S, withStaleReplicas } from '../support/stale-replicas';

const STALE_IF_ERROR_LATENCY_MS = 500;

// Replicas of their own: scenario 6's refresh may still be waiting for the upstream.
export function staleIfError(ctx: Context): Promise<Row[]> {
  return withStaleReplicas(ctx, 'stale-error', async ({ services, urls }) => {
    const { sim } = ctx.stack;
    const { date } = ctx.simDoc;
    sim.setLatency(STALE_IF_ERROR_LATENCY_MS, STALE_IF_ERROR_LATENCY_MS);
    sim.setFault('http-500');
    // Whatever a refresh stored before the fault is stale again by now.
    await sleep(STALE_MAX_AGE_S * 1000 + 500);
    const before = sim.calls(date);
    const probe = new CacheProbe(urls);
    const connections = Math.max(1, Math.floor(ctx.config.connections / services.length));
    const runs = await Promise.all(
      services.map((service, i) =>
        measure(service.pid, {
          url: urls[i],
          connections,
          headers: AUTH,
          duration: ctx.config.durationS,
        }),
      ),
    );
    const seen = await probe.stop();
    const calls = sim.calls(date) - before;
    runs.forEach((m, i) => ctx.report.run(`stale-if-error (${services[i].name})`, m));
    const fiveXx = runs.reduce(
      (n, m) =>
        n + [...m.result.statuses].reduce((k, [code, count]) => k + (code >= 500 ? count : 0), 0),
      0,
    );
    const total = runs.reduce((n, m) => n + m.result.requests, 0);
    const others = runs.map((m) => runProblems(m, 200));
    ctx.report.detail(
      `stale-if-error: upstream answering 500 to every call (${calls} failed call(s) for ${date} ` +
        `during the run); X-Cache seen by the probe: ${describeCounts(seen)}`,
    );
    return [
      {
        scenario: '7. stale-if-error, upstream failing, 2 replicas',
        reqPerS: runs.reduce((n, m) => n + m.result.reqPerS, 0),
        p50Ms: Math.max(...runs.map((m) => m.result.p50Ms)),
        p99Ms: Math.max(...runs.map((m) => m.result.p99Ms)),
        baseline: `${total} requests`,
        ratio: `${fiveXx} × 5xx${problemsSuffix(others)}`,
        goal: '0 × 5xx',
        pass: fiveXx === 0 && others.every((p) => p === null),
      },
    ];
  });
}
