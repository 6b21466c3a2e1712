/** Settings of `npm run bench`: environment variables and command-line flags. */
import { join, resolve } from 'node:path';

import { ROOT } from './servers';

/** The service's default CACHE_MEMORY_MB. */
export const CACHE_MEMORY_MB_DEFAULT = 256;
// One run on a shared machine moves ±20 %: comparisons use medians of alternating rounds.
export const ROUNDS = 3;
// A p99 moves more between runs than req/s does.
export const P99_ROUNDS = 7;
const SWR_LATENCY_MARGIN_S = 5;
export const RESULTS_FILE = join(ROOT, 'bench', 'RESULTS.md');

export interface Config {
  durationS: number;
  warmupS: number;
  connections: number;
  /** Names of the scenarios to run. */
  only: ReadonlySet<string>;
  /** Every scenario runs (no --only). */
  fullRun: boolean;
  stormSizes: number[];
  stormLatencyMs: number;
  swrLatencyMs: number;
  memoryDocs: number;
  memoryPasses: number;
  memoryConcurrency: number;
  /** CACHE_MEMORY_MB of the memory scenario's service; null: the service's default. */
  memoryCacheMb: number | null;
  logLevel: string;
  /** The services' RATE_LIMIT_PER_MINUTE (0 = off). */
  rateLimitPerMinute: number;
  /** Nice value Redis and Azurite get above the benchmark's (0: the same priority). */
  backendNice: number;
  requireGoals: boolean;
  /** Where to write the report; null: only print it. */
  output: string | null;
}

/** A scenario as the command line may name it: by name or by its number in the report. */
export interface ScenarioName {
  name: string;
  number: number;
}

const USAGE =
  'usage: run.js [--only NAME|NUMBER,...] [--write | --out FILE] ' +
  '(--write: bench/RESULTS.md, full runs only)';

function flags(argv: string[]): { only: string | null; write: boolean; out: string | null } {
  const parsed = { only: null as string | null, write: false, out: null as string | null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') {
        throw new Error(`${flag} needs a value; ${USAGE}`);
      }
      return next;
    };
    if (flag === '--only') {
      parsed.only = value();
    } else if (flag === '--out') {
      parsed.out = value();
    } else if (flag === '--write' && inline === undefined) {
      parsed.write = true;
    } else {
      throw new Error(`unknown argument ${argv[i]}; ${USAGE}`);
    }
  }
  return parsed;
}

function selected(raw: string | null, scenarios: readonly ScenarioName[]): Set<string> {
  if (raw === null) {
    return new Set(scenarios.map((s) => s.name));
  }
  return new Set(
    raw.split(',').map((part) => {
      const wanted = part.trim();
      const found = scenarios.find((s) => s.name === wanted || String(s.number) === wanted);
      if (!found) {
        const known = [...scenarios]
          .sort((a, b) => a.number - b.number)
          .map((s) => `${s.number} ${s.name}`)
          .join(', ');
        throw new Error(`--only: no scenario "${wanted}" (${known})`);
      }
      return found.name;
    }),
  );
}

export function readConfig(
  env: NodeJS.ProcessEnv,
  argv: string[],
  scenarios: readonly ScenarioName[],
): Config {
  const num = (name: string, fallback: number, min: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      return fallback;
    }
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) {
      throw new Error(`${name} must be a number >= ${min}, got "${raw}"`);
    }
    return value;
  };
  const list = (name: string, fallback: readonly number[]): number[] => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      return [...fallback];
    }
    return raw.split(',').map((part) => {
      if (!/^\s*[1-9]\d*\s*$/.test(part)) {
        throw new Error(`${name} must be positive integers, comma-separated: "${part}"`);
      }
      return Number(part);
    });
  };
  const args = flags(argv);
  const only = selected(args.only, scenarios);
  const fullRun = only.size === scenarios.length;
  if (args.write && !fullRun) {
    // A partial report would replace the full one: write it elsewhere with --out.
    throw new Error('--write writes bench/RESULTS.md after a full run only; use --out FILE');
  }
  if (args.write && args.out !== null) {
    throw new Error(`--write and --out exclude each other; ${USAGE}`);
  }
  const durationS = num('BENCH_DURATION_S', 5, 1);
  return {
    durationS,
    warmupS: num('BENCH_WARMUP_S', 1, 0),
    connections: Math.round(num('BENCH_CONNECTIONS', 50, 2)),
    only,
    fullRun,
    stormSizes: list('BENCH_STORM_SIZES', [1, 10, 100, 1000]),
    stormLatencyMs: num('BENCH_STORM_LATENCY_MS', 2000, 0),
    swrLatencyMs: num(
      'BENCH_SWR_LATENCY_MS',
      // Stale and hit runs alternate: 2 × ROUNDS runs.
      (2 * ROUNDS * (durationS + 1) + SWR_LATENCY_MARGIN_S) * 1000,
      0,
    ),
    memoryDocs: Math.round(num('BENCH_MEMORY_DOCS', 5000, 1)),
    memoryPasses: Math.round(num('BENCH_MEMORY_PASSES', 2, 1)),
    memoryConcurrency: 16,
    memoryCacheMb: env.BENCH_MEMORY_CACHE_MB?.trim()
      ? Math.round(num('BENCH_MEMORY_CACHE_MB', CACHE_MEMORY_MB_DEFAULT, 1))
      : null,
    logLevel: env.BENCH_LOG_LEVEL?.trim() || 'warn',
    rateLimitPerMinute: Math.round(num('BENCH_RATE_LIMIT_PER_MINUTE', 0, 0)),
    backendNice: Math.min(19, Math.round(num('BENCH_BACKEND_NICE', 0, 0))),
    requireGoals: env.BENCH_REQUIRE_GOALS === '1',
    // npm runs scripts in the package root; INIT_CWD is where `npm run` was typed.
    output: args.write
      ? RESULTS_FILE
      : args.out === null
        ? null
        : resolve(env.INIT_CWD ?? process.cwd(), args.out),
  };
}
