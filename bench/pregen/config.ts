/** Settings of `npm run bench:pregen`, from the environment (listed in bench/README.md). */
const DEFAULT_COMPANIES = [100, 1000];
const DEFAULT_LATENCY = { min: 2000, max: 5000 };
const DEFAULT_CYCLE_TIMEOUT_S = 300;
/** Dates of a cycle: the service's default PREGEN_DAYS. */
export const DAYS = 7;
/** PREGEN_CONCURRENCY's default in src/config/env.dto.ts. */
export const DEFAULT_CONCURRENCY = 4;
/** One cycle at PREGEN_CONCURRENCY = PREGEN_DAYS (one round of upstream latency), one at the default. */
const DEFAULT_CONCURRENCIES = [DAYS, DEFAULT_CONCURRENCY];

/** Service settings the caller may set through the environment; unset, the service's defaults hold. */
export const SERVICE_PASS_THROUGH = [
  'PREGEN_MEMORY_MB',
  'BLOB_WRITE_CONCURRENCY',
  'BLOB_TIMEOUT_MS',
  'UPSTREAM_MAX_BODY_MB',
  'UPSTREAM_TIMEOUT_MS',
] as const;

export interface BenchConfig {
  companies: number[];
  /** PREGEN_CONCURRENCY of each cycle run per company count. */
  concurrencies: number[];
  latency: { min: number; max: number };
  cycleTimeoutS: number;
  repeat: number;
  requireTargets: boolean;
  serviceNodeOptions: string | undefined;
  service: Partial<Record<(typeof SERVICE_PASS_THROUGH)[number], string>>;
}

function positiveList(env: NodeJS.ProcessEnv, name: string, fallback: number[]): number[] {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    return fallback;
  }
  return raw.split(',').map((part) => {
    const value = part.trim();
    if (!/^[1-9]\d*$/.test(value)) {
      throw new Error(`${name} must be positive integers, comma-separated: "${part}"`);
    }
    return Number(value);
  });
}

export function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const int = (name: string, fallback: number, min: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      return fallback;
    }
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
    }
    return Number(raw);
  };
  const latency = {
    min: int('BENCH_LATENCY_MIN_MS', DEFAULT_LATENCY.min, 0),
    max: int('BENCH_LATENCY_MAX_MS', DEFAULT_LATENCY.max, 0),
  };
  if (latency.max < latency.min) {
    throw new Error('BENCH_LATENCY_MAX_MS must not be below BENCH_LATENCY_MIN_MS');
  }
  const service: BenchConfig['service'] = {};
  for (const name of SERVICE_PASS_THROUGH) {
    const value = env[name]?.trim();
    if (value) {
      service[name] = value;
    }
  }
  return {
    companies: positiveList(env, 'BENCH_COMPANIES', DEFAULT_COMPANIES),
    concurrencies: positiveList(env, 'BENCH_CONCURRENCIES', DEFAULT_CONCURRENCIES),
    latency,
    cycleTimeoutS: int('BENCH_CYCLE_TIMEOUT_S', DEFAULT_CYCLE_TIMEOUT_S, 1),
    repeat: int('BENCH_REPEAT', 1, 1),
    serviceNodeOptions: env.BENCH_SERVICE_NODE_OPTIONS?.trim() || undefined,
    requireTargets: env.BENCH_REQUIRE_TARGETS === '1',
    service,
  };
}
