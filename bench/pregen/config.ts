/** Settings of `npm run bench:pregen`, from the environment (listed in bench/README.md). */
const DEFAULT_COMPANIES = [100, 1000];
const DEFAULT_LATENCY = { min: 2000, max: 5000 };
const DEFAULT_CYCLE_TIMEOUT_S = 300;

/** Service settings the caller may override through the environment. */
export const SERVICE_PASS_THROUGH = [
  'PREGEN_CONCURRENCY',
  'BLOB_WRITE_CONCURRENCY',
  'BLOB_TIMEOUT_MS',
  'UPSTREAM_MAX_BODY_MB',
  'UPSTREAM_TIMEOUT_MS',
] as const;
const SERVICE_DEFAULTS: Readonly<Record<(typeof SERVICE_PASS_THROUGH)[number], string>> = {
  PREGEN_CONCURRENCY: '4',
  BLOB_WRITE_CONCURRENCY: '16',
  BLOB_TIMEOUT_MS: '5000',
  // One date of 1,000 simulated companies is ~70 MB, over the service's 64 MB default.
  UPSTREAM_MAX_BODY_MB: '256',
  UPSTREAM_TIMEOUT_MS: '30000',
};

export interface BenchConfig {
  companies: number[];
  latency: { min: number; max: number };
  cycleTimeoutS: number;
  repeat: number;
  requireTargets: boolean;
  serviceNodeOptions: string | undefined;
  service: Record<(typeof SERVICE_PASS_THROUGH)[number], string>;
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
  const rawCompanies = env.BENCH_COMPANIES?.trim();
  const companies =
    rawCompanies === undefined || rawCompanies === ''
      ? DEFAULT_COMPANIES
      : rawCompanies.split(',').map((part) => {
          const value = part.trim();
          if (!/^[1-9]\d*$/.test(value)) {
            throw new Error(
              `BENCH_COMPANIES must be positive integers, comma-separated: "${part}"`,
            );
          }
          return Number(value);
        });
  const latency = {
    min: int('BENCH_LATENCY_MIN_MS', DEFAULT_LATENCY.min, 0),
    max: int('BENCH_LATENCY_MAX_MS', DEFAULT_LATENCY.max, 0),
  };
  if (latency.max < latency.min) {
    throw new Error('BENCH_LATENCY_MAX_MS must not be below BENCH_LATENCY_MIN_MS');
  }
  const service = { ...SERVICE_DEFAULTS };
  for (const name of SERVICE_PASS_THROUGH) {
    const value = env[name]?.trim();
    if (value) {
      service[name] = value;
    }
  }
  return {
    companies,
    latency,
    cycleTimeoutS: int('BENCH_CYCLE_TIMEOUT_S', DEFAULT_CYCLE_TIMEOUT_S, 1),
    repeat: int('BENCH_REPEAT', 1, 1),
    serviceNodeOptions: env.BENCH_SERVICE_NODE_OPTIONS?.trim() || undefined,
    requireTargets: env.BENCH_REQUIRE_TARGETS === '1',
    service,
  };
}
