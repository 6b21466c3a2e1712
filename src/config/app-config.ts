import { CronTime } from 'cron';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvironmentVariables, LogLevel } from './env.dto';

/** Validated, typed configuration; also the DI token for it. */
export class AppConfig {
  readonly port!: number;
  readonly redisUrl!: string;
  readonly queuePrefix!: string;
  readonly blob!: {
    connectionString: string;
    container: string;
    writeConcurrency: number;
    timeoutMs: number;
  };
  readonly upstream!: { baseUrl: string; token?: string; timeoutMs: number; maxBodyBytes: number };
  readonly logLevel!: LogLevel;
  readonly pregen!: {
    enabled: boolean;
    cron: string;
    timeZone: string;
    days: number;
    attempts: number;
    backoffMs: number;
    concurrency: number;
    lockMs: number;
    stalledCheckMs: number;
    usersCron: string;
  };
  readonly cache!: { memoryBytes: number; maxAgeSeconds: number; revalidateMs: number };
  readonly shutdownGraceMs!: number;
  readonly adminToken?: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const vars = plainToInstance(EnvironmentVariables, defined, { exposeDefaultValues: true });
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) {
    // Only names and rules: a rejected value may be a secret.
    const lines = errors.map(
      (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new ConfigError(`Invalid environment configuration:\n  ${lines.join('\n  ')}`);
  }
  return {
    port: vars.PORT,
    redisUrl: vars.REDIS_URL,
    queuePrefix: vars.QUEUE_PREFIX,
    blob: {
      connectionString: vars.AZURE_STORAGE_CONNECTION_STRING,
      container: vars.BLOB_CONTAINER,
      writeConcurrency: vars.BLOB_WRITE_CONCURRENCY,
      timeoutMs: vars.BLOB_TIMEOUT_MS,
    },
    upstream: {
      baseUrl: vars.UPSTREAM_BASE_URL.replace(/\/+$/, ''),
      token: vars.UPSTREAM_API_TOKEN,
      timeoutMs: vars.UPSTREAM_TIMEOUT_MS,
      maxBodyBytes: vars.UPSTREAM_MAX_BODY_MB * 1024 * 1024,
    },
    logLevel: vars.LOG_LEVEL,
    pregen: {
      enabled: vars.PREGEN_ENABLED,
      cron: vars.PREGEN_CRON,
      timeZone: vars.SCHEDULE_TIMEZONE,
      days: vars.PREGEN_DAYS,
      attempts: vars.PREGEN_ATTEMPTS,
      backoffMs: vars.PREGEN_BACKOFF_MS,
      concurrency: vars.PREGEN_CONCURRENCY,
      lockMs: vars.PREGEN_LOCK_MS,
      stalledCheckMs: vars.PREGEN_STALLED_CHECK_MS,
      usersCron: vars.USERS_SYNC_CRON,
    },
    cache: {
      memoryBytes: vars.CACHE_MEMORY_MB * 1024 * 1024,
      maxAgeSeconds:
        vars.CACHE_MAX_AGE ?? 2 * cronIntervalSeconds(vars.PREGEN_CRON, vars.SCHEDULE_TIMEZONE),
      revalidateMs: vars.CACHE_REVALIDATE_SECONDS * 1000,
    },
    shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
    adminToken: vars.ADMIN_API_TOKEN,
  };
}

/** Seconds between two consecutive runs of a cron expression, from now. */
function cronIntervalSeconds(expression: string, timeZone: string): number {
  const time = new CronTime(expression, timeZone);
  const [first, second] = time.sendAt(2);
  return Math.max(1, Math.round(second.diff(first).as('seconds')));
}
