/** The soak's report: a markdown section with its figures and goals. */
import { fixed } from '../support/report';
import { percentile } from '../support/stats';
import { type LoadTotals } from './load';
import { type Cycle, type ReplicaSample } from './samplers';

export interface SoakSettings {
  readonly minutes: number;
  readonly cycleS: number;
  readonly maxAgeS: number;
  readonly clients: number;
  readonly rate: number;
  readonly dates: number;
  readonly fault: { readonly mode: string; readonly startMs: number; readonly endMs: number };
  /** RSS growth is measured from the end of the warm-up. */
  readonly warmupMs: number;
}

export interface SoakFigures {
  readonly load: LoadTotals;
  readonly replicas: readonly ReplicaSample[][];
  readonly cycles: readonly Cycle[];
}

const MB = 1024 * 1024;
// RSS at a moment: the median of the samples of this window, as one sample moves with each GC.
const RSS_WINDOW_MS = 30_000;
const RSS_GROWTH_GOAL = 0.05;
// What a replica needs besides its document cache, under this load.
const RSS_BESIDES_CACHE_GOAL_MB = 200;

const median = (values: number[]): number | null =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const mmss = (ms: number): string =>
  `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;

/** The soak's markdown section and whether every goal was met. */
export function soakReport(
  settings: SoakSettings,
  figures: SoakFigures,
): { text: string; pass: boolean } {
  const serverErrors = [...figures.load.statuses]
    .filter(([status]) => status >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
  const statuses = [...figures.load.statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${count} × ${status}`)
    .join(', ');

  const replicaRows = figures.replicas.map((samples, i) => replicaRow(i + 1, samples, settings));
  const growths = replicaRows.map((row) => row.growth);
  const besidesCache = replicaRows.map((row) => row.besidesCache);

  const upstream = upstreamFigures(settings, figures.cycles);
  const goals = [
    goal('0 × 5xx', serverErrors === 0 && figures.load.errors === 0),
    goal(
      `RSS growth after warm-up ≤ ${RSS_GROWTH_GOAL * 100} %`,
      growths.every((g) => g !== null && g <= RSS_GROWTH_GOAL),
    ),
    goal(
      `RSS − document cache at the end ≤ ${RSS_BESIDES_CACHE_GOAL_MB} MB`,
      besidesCache.every((bytes) => bytes !== null && bytes <= RSS_BESIDES_CACHE_GOAL_MB * MB),
    ),
    goal(
      `upstream calls per cycle = ${settings.dates} + at most one stale refresh per date per CACHE_MAX_AGE`,
      upstream.pass,
    ),
  ];
  const text = [
    `## Soak: ${settings.minutes} min, 2 replicas, cron every ${settings.cycleS} s, ` +
      `CACHE_MAX_AGE=${settings.maxAgeS} s, ${settings.clients} clients at ${settings.rate} req/s`,
    '',
    `- upstream fault \`${settings.fault.mode}\` from ${mmss(settings.fault.startMs)} to ` +
      `${mmss(settings.fault.endMs)}; RSS warm-up ${mmss(settings.warmupMs)}`,
    `- requests: ${figures.load.requests} (${statuses}; ${figures.load.errors} lost); ` +
      `5xx: ${serverErrors}; worst segment's p99 ${fixed(figures.load.maxP99Ms, 1)} ms`,
    '',
    '| replica | RSS start MB | after warm-up | max | end | growth after warm-up | document cache at the end | RSS − cache at the end | event-loop lag p99, median / max of scrapes (ms) |',
    '| ------- | ------------ | ------------- | --- | --- | -------------------- | ------------------------- | ---------------------- | ------------------------------------------------ |',
    ...replicaRows.map((row) => row.line),
    '',
    ...upstream.lines,
    '',
    ...goals.map((g) => g.line),
  ].join('\n');
  return { text, pass: goals.every((g) => g.pass) };
}

function replicaRow(
  replica: number,
  samples: readonly ReplicaSample[],
  settings: SoakSettings,
): { line: string; growth: number | null; besidesCache: number | null } {
  const rss = samples.filter((s) => s.rssBytes !== null) as (ReplicaSample & {
    rssBytes: number;
  })[];
  const endMs = rss.at(-1)?.atMs ?? 0;
  const inWindow = (
    from: number,
    value: (s: (typeof rss)[number]) => number | null = (s) => s.rssBytes,
  ) =>
    median(
      rss
        .filter((s) => s.atMs >= from && s.atMs < from + RSS_WINDOW_MS)
        .map(value)
        .filter((v): v is number => v !== null),
    );
  const start = rss[0]?.rssBytes ?? null;
  const warm = inWindow(settings.warmupMs);
  const endFrom = endMs - RSS_WINDOW_MS + 1;
  const end = inWindow(endFrom);
  const cache = inWindow(endFrom, (s) => s.cacheBytes);
  const besidesCache = inWindow(endFrom, (s) =>
    s.cacheBytes === null ? null : s.rssBytes - s.cacheBytes,
  );
  const max = rss.length === 0 ? null : Math.max(...rss.map((s) => s.rssBytes));
  const growth = warm === null || end === null ? null : end / warm - 1;
  const lags = samples.map((s) => s.lagP99S).filter((lag): lag is number => lag !== null);
  const mb = (bytes: number | null) => (bytes === null ? 'n/a' : fixed(bytes / MB, 0));
  const line =
    `| ${replica} | ${mb(start)} | ${mb(warm)} | ${mb(max)} | ${mb(end)} | ` +
    `${growth === null ? 'n/a' : `${fixed(growth * 100, 1)} %`} | ${mb(cache)} | ${mb(besidesCache)} | ` +
    `${fixed((median(lags) ?? NaN) * 1000, 1)} / ${fixed(Math.max(...lags) * 1000, 1)} |`;
  return { line, growth, besidesCache };
}

function upstreamFigures(
  settings: SoakSettings,
  cycles: readonly Cycle[],
): { lines: string[]; pass: boolean } {
  // A failed refresh is retried with backoff: the cycle after the fault window still pays for it.
  const faulty = (cycle: Cycle) =>
    cycle.endMs > settings.fault.startMs &&
    cycle.startMs < settings.fault.endMs + settings.cycleS * 1000;
  const clean = cycles.filter((cycle) => !faulty(cycle));
  // Totals over the clean cycles: under load a cycle's jobs can finish after the next tick.
  const allowedStale = Math.ceil((clean.length * settings.cycleS) / settings.maxAgeS);
  const perDate = new Map<string, number>();
  for (const cycle of clean) {
    for (const [date, n] of Object.entries(cycle.byDate)) {
      perDate.set(date, (perDate.get(date) ?? 0) + n);
    }
  }
  const counts = [...perDate.values()];
  const pass =
    clean.length > 0 &&
    perDate.size === settings.dates &&
    counts.every((n) => n >= clean.length - 2 && n <= clean.length + allowedStale);
  const calls = (list: readonly Cycle[]) => list.map((cycle) => cycle.calls).join(' ');
  return {
    lines: [
      `Upstream calls per cycle (${settings.dates} refreshes, plus stale refreshes), counted ` +
        'from just before a cron tick to just before the next:',
      '',
      `- ${clean.length} cycles outside the fault window: ${calls(clean)}` +
        ` (median ${fixed(median(clean.map((c) => c.calls)), 0)})`,
      `- ${cycles.length - clean.length} cycles in or just after it (retries): ` +
        `${calls(cycles.filter(faulty))}`,
      `- per date over the ${clean.length} clean cycles: ${counts.join(', ')} calls; allowed ` +
        `${clean.length} refreshes (±2: a cycle can spill over either edge of the fault window) + ${allowedStale} stale (one per ` +
        `CACHE_MAX_AGE) = at most ${clean.length + allowedStale}`,
    ],
    pass,
  };
}

function goal(name: string, pass: boolean): { line: string; pass: boolean } {
  return { line: `- goal ${name}: ${pass ? 'met' : 'MISSED'}`, pass };
}
