import { MAX_COMPANIES } from './companies';
import { createUpstreamSim, type UpstreamSimOptions } from './upstream-sim';

/** An invalid environment variable; its message names the variable. */
class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integerEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

export function readSimOptions(env: Env): UpstreamSimOptions {
  const latencyMs = {
    min: integerEnv(env, 'SIM_LATENCY_MIN_MS', 2000, 0, 600_000),
    max: integerEnv(env, 'SIM_LATENCY_MAX_MS', 5000, 0, 600_000),
  };
  if (latencyMs.max < latencyMs.min) {
    throw new ConfigError(
      `SIM_LATENCY_MAX_MS (${latencyMs.max}) must not be below SIM_LATENCY_MIN_MS (${latencyMs.min})`,
    );
  }
  const token = env.UPSTREAM_API_TOKEN?.trim();
  return {
    port: integerEnv(env, 'SIM_PORT', 4000, 0, 65535),
    host: env.SIM_HOST?.trim() || '127.0.0.1',
    companies: integerEnv(env, 'SIM_COMPANIES', 20, 1, MAX_COMPANIES),
    latencyMs,
    token: token === '' ? undefined : token,
    seed: integerEnv(env, 'SIM_SEED', 1, -(2 ** 31), 2 ** 31 - 1),
    hugeBodyBytes: 50 * 1024 * 1024,
  };
}

async function main(): Promise<void> {
  let options: UpstreamSimOptions;
  try {
    options = readSimOptions(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`upstream-sim: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const sim = await createUpstreamSim(options);
  const { min, max } = options.latencyMs;
  const auth = options.token === undefined ? '' : ', bearer token required';
  console.log(
    `upstream-sim listening on ${sim.url} (${options.companies} companies, latency ${min}-${max} ms${auth})`,
  );
  const shutdown = (signal: NodeJS.Signals): void => {
    console.log(`upstream-sim: ${signal} received, closing`);
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('upstream-sim: close failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('upstream-sim: failed to start:', error);
    process.exit(1);
  });
}
