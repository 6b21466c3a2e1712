/** What the soak records while it runs: each replica's RSS and event-loop lag, upstream calls per cron cycle. */
import { MetricNames } from '../../src/metrics/metric-names';
import { type UpstreamSim } from '../../tools/upstream-sim/upstream-sim';
import { sleep } from '../support/processes';
import { scrapeMetrics } from '../support/metrics';
import { procStatusBytes } from '../support/proc-stats';
import { type Service } from '../support/servers';

const LAG_P99 = 'nodejs_eventloop_lag_p99_seconds';

export interface ReplicaSample {
  /** Milliseconds since the soak's start. */
  readonly atMs: number;
  readonly rssBytes: number | null;
  /** p99 of the event-loop lag since the previous scrape (prom-client resets it on each). */
  readonly lagP99S: number | null;
  /** What the document cache counts: bodies, compressed variants and a fixed cost per entry. */
  readonly cacheBytes: number | null;
}

/** Scrapes every replica's RSS (/proc), event-loop lag and cache bytes (/metrics) every `intervalMs`. */
export async function sampleReplicas(
  replicas: readonly Service[],
  intervalMs: number,
  startedAt: number,
  until: () => boolean,
): Promise<ReplicaSample[][]> {
  const samples: ReplicaSample[][] = replicas.map(() => []);
  while (!until()) {
    await Promise.all(
      replicas.map(async (replica, i) => {
        const [rssBytes, metrics] = await Promise.all([
          procStatusBytes(replica.pid, 'VmRSS'),
          scrapeMetrics(replica.url, 5_000).catch(() => null),
        ]);
        samples[i].push({
          atMs: Date.now() - startedAt,
          rssBytes,
          lagP99S: metrics?.get(LAG_P99) ?? null,
          cacheBytes: metrics?.get(MetricNames.memoryCacheBytes) ?? null,
        });
      }),
    );
    await sleep(intervalMs);
  }
  return samples;
}

export interface Cycle {
  /** The cron tick that starts it, ms since the soak's start. */
  readonly startMs: number;
  readonly endMs: number;
  /** Schedule calls the upstream answered (or failed) from just before this tick to just before the next. */
  readonly calls: number;
  readonly byDate: Readonly<Record<string, number>>;
}

/**
 * Upstream schedule calls per cron cycle: the simulator's counters are read just before each
 * tick (ticks fall on wall-clock multiples of the cron interval), so a cycle holds its own
 * refreshes and the stale refreshes until the next tick.
 */
export async function countCycles(
  sim: UpstreamSim,
  cycleMs: number,
  startedAt: number,
  until: () => boolean,
): Promise<Cycle[]> {
  const BEFORE_TICK_MS = 500;
  const cycles: Cycle[] = [];
  let previous: { tick: number; atMs: number; byDate: Record<string, number> } | null = null;
  while (!until()) {
    // A timer can fire a millisecond early: never the tick just counted again.
    const nextTick = Math.max(
      Math.ceil((Date.now() + BEFORE_TICK_MS) / cycleMs) * cycleMs,
      (previous?.tick ?? 0) + cycleMs,
    );
    await sleep(nextTick - BEFORE_TICK_MS - Date.now());
    const byDate = { ...sim.callCounts().byDate };
    const atMs = nextTick - startedAt;
    if (previous) {
      const delta = Object.fromEntries(
        Object.entries(byDate)
          .map(([date, n]): [string, number] => [date, n - (previous?.byDate[date] ?? 0)])
          .filter(([, n]) => n > 0),
      );
      const calls = Object.values(delta).reduce((sum, n) => sum + n, 0);
      cycles.push({ startMs: previous.atMs, endMs: atMs, calls, byDate: delta });
    }
    previous = { tick: nextTick, atMs, byDate };
  }
  return cycles;
}
