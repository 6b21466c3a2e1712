import { CronTime } from 'cron';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvironmentVariables, LogLevel, ServeMode } from './env.dto';

/** Validated, typed configuration; also the DI token for it. */
export class AppConfig {
  readonly port!: number;
  readonly host!: string;
  readonly redis!: { url: string; keyPrefix: string };
  readonly blob!: {
    /** Exactly one of the two: a connection string, or an account URL for DefaultAzureCredential. */
    connectionString?: string;
    accountUrl?: string;
    container: string;
    writeConcurrency: number;
    timeoutMs: number;
  };
  readonly upstream!: {
    baseUrl: string;
    token?: string;
    timeoutMs: number;
    maxBodyBytes: number;
    maxInFlight: number;
    maxInFlightTotal: number;
    queueTimeoutMs: number;
  };
  readonly logLevel!: LogLevel;
  readonly pregen!: {
    enabled: boolean;
    cron: string;
    timeZone: string;
    days: number;
    attempts: number;
    backoffMs: number;
    concurrency: number;
    memoryBytes: number;
    lockMs: number;
    stalledCheckMs: number;
    fetchRetryMs: number;
    usersCron: string;
    historyDays: number;
  };
  readonly serveMode!: ServeMode;
  readonly cache!: {
    memoryBytes: number;
    maxAgeSeconds: number;
    revalidateMs: number;
    /** 0: no warm-up, ready at once. */
    warmUpTimeoutMs: number;
  };
  /** `days` 0: nothing is ever deleted. */
  readonly retention!: { days: number; cron: string };
  /** Days before and after today (SCHEDULE_TIMEZONE) that the read path serves. */
  readonly readWindow!: { pastDays: number; futureDays: number };
  readonly featureToggles!: { ttlMs: number };
  readonly shutdownGraceMs!: number;
  readonly adminToken?: string;
  readonly http!: {
    /** Fastify's trustProxy: false, true, a hop count, or proxy addresses/CIDRs. */
    trustProxy: boolean | number | string;
    /** Exact origins allowed by CORS; empty = CORS off. */
    corsOrigins: string[];
  };
  /** Requests per client per minute; 0 = that limit is off. */
  readonly rateLimit!: { perMinute: number; adminPerMinute: number; failedAuthPerMinute: number };
  readonly auth!: AuthConfig;
}

/** Exactly one key source unless authentication is explicitly disabled. */
export interface AuthConfig {
  readonly disabled: boolean;
  readonly jwtSecret?: string;
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
}

export class ConfigError extends Error {}

const DEFAULT_REDIS_KEY_PREFIX = 'schedule-cache';
const DEVELOPMENT_STORAGE = 'UseDevelopmentStorage=true';

export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const vars = plainToInstance(EnvironmentVariables, defined, { exposeDefaultValues: true });
  const errors = validateSync(vars, { skipMissingProperties: false });
  // Only names and rules: a rejected value may be a secret.
  const lines = [
    ...errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`),
    ...authKeyErrors(vars),
    ...readWindowErrors(vars),
    ...storageErrors(vars),
  ];
  if (lines.length > 0) {
    throw new ConfigError(`Invalid environment configuration:\n  ${lines.join('\n  ')}`);
  }
  return {
    port: vars.PORT,
    host: vars.HOST,
    redis: {
      url: vars.REDIS_URL,
      keyPrefix: vars.REDIS_KEY_PREFIX ?? vars.QUEUE_PREFIX ?? DEFAULT_REDIS_KEY_PREFIX,
    },
    blob: {
      connectionString: vars.AZURE_STORAGE_ACCOUNT_URL
        ? undefined
        : (vars.AZURE_STORAGE_CONNECTION_STRING ?? DEVELOPMENT_STORAGE),
      accountUrl: vars.AZURE_STORAGE_ACCOUNT_URL,
      container: vars.BLOB_CONTAINER,
      writeConcurrency: vars.BLOB_WRITE_CONCURRENCY,
      timeoutMs: vars.BLOB_TIMEOUT_MS,
    },
    upstream: {
      baseUrl: vars.UPSTREAM_BASE_URL.replace(/\/+$/, ''),
      token: vars.UPSTREAM_API_TOKEN,
      timeoutMs: vars.UPSTREAM_TIMEOUT_MS,
      maxBodyBytes: vars.UPSTREAM_MAX_BODY_MB * 1024 * 1024,
      maxInFlight: vars.UPSTREAM_MAX_IN_FLIGHT,
      maxInFlightTotal: vars.UPSTREAM_MAX_IN_FLIGHT_TOTAL,
      queueTimeoutMs: vars.UPSTREAM_QUEUE_TIMEOUT_MS,
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
      memoryBytes: vars.PREGEN_MEMORY_MB * 1024 * 1024,
      lockMs: vars.PREGEN_LOCK_MS,
      stalledCheckMs: vars.PREGEN_STALLED_CHECK_MS,
      fetchRetryMs: vars.PREGEN_FETCH_RETRY_MS,
      usersCron: vars.USERS_SYNC_CRON,
      historyDays: vars.HISTORY_DAYS,
    },
    serveMode: vars.SERVE_MODE,
    cache: {
      memoryBytes: vars.CACHE_MEMORY_MB * 1024 * 1024,
      maxAgeSeconds:
        vars.CACHE_MAX_AGE ?? 2 * cronIntervalSeconds(vars.PREGEN_CRON, vars.SCHEDULE_TIMEZONE),
      revalidateMs: vars.CACHE_REVALIDATE_SECONDS * 1000,
      warmUpTimeoutMs: vars.WARMUP_TIMEOUT_MS,
    },
    retention: { days: vars.RETENTION_DAYS, cron: vars.RETENTION_CRON },
    readWindow: { pastDays: vars.READ_PAST_DAYS, futureDays: vars.READ_FUTURE_DAYS },
    featureToggles: { ttlMs: vars.FEATURE_TOGGLES_TTL_MS },
    shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
    adminToken: vars.ADMIN_API_TOKEN,
    http: {
      trustProxy: toTrustProxy(vars.TRUST_PROXY),
      corsOrigins: vars.CORS_ORIGINS?.split(',').map((origin) => origin.trim()) ?? [],
    },
    rateLimit: {
      perMinute: vars.RATE_LIMIT_PER_MINUTE,
      adminPerMinute: vars.ADMIN_RATE_LIMIT_PER_MINUTE,
      failedAuthPerMinute: vars.FAILED_AUTH_PER_MINUTE,
    },
    auth: {
      disabled: vars.AUTH_DISABLED,
      jwtSecret: vars.AUTH_JWT_SECRET,
      jwksUrl: vars.AUTH_JWKS_URL,
      issuer: vars.AUTH_JWT_ISSUER,
      audience: vars.AUTH_JWT_AUDIENCE,
    },
  };
}

/** Seconds between two consecutive runs of a cron expression, from now. */
function cronIntervalSeconds(expression: string, timeZone: string): number {
  const time = new CronTime(expression, timeZone);
  const [first, second] = time.sendAt(2);
  return Math.max(1, Math.round(second.diff(first).as('seconds')));
}

function toTrustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  return /^\d+$/.test(value) ? Number(value) : value;
}

// Pre-generated dates must be readable, and retention must not delete dates still served.
function readWindowErrors(vars: EnvironmentVariables): string[] {
  const errors: string[] = [];
  if (vars.READ_FUTURE_DAYS < vars.PREGEN_DAYS - 1) {
    errors.push(
      `READ_FUTURE_DAYS: must be at least PREGEN_DAYS - 1 (${vars.PREGEN_DAYS - 1}), so every pre-generated date is served`,
    );
  }
  if (vars.RETENTION_DAYS > 0 && vars.RETENTION_DAYS < vars.READ_PAST_DAYS) {
    errors.push(
      `RETENTION_DAYS: must be 0 or at least READ_PAST_DAYS (${vars.READ_PAST_DAYS}), so no served date is deleted`,
    );
  }
  return errors;
}

// ADMIN_API_TOKEN alone is not enough: without a JWT key no user could ever be let in.
function authKeyErrors(vars: EnvironmentVariables): string[] {
  if (vars.AUTH_JWT_SECRET && vars.AUTH_JWKS_URL) {
    return ['AUTH_JWT_SECRET: must not be set together with AUTH_JWKS_URL (choose one key source)'];
  }
  if (!vars.AUTH_DISABLED && !vars.AUTH_JWT_SECRET && !vars.AUTH_JWKS_URL) {
    return [
      'AUTH_JWT_SECRET: AUTH_JWT_SECRET or AUTH_JWKS_URL is required (AUTH_DISABLED=true runs without authentication)',
    ];
  }
  return [];
}

// Two ways to one storage account would leave which one is used to chance.
function storageErrors(vars: EnvironmentVariables): string[] {
  if (vars.AZURE_STORAGE_CONNECTION_STRING && vars.AZURE_STORAGE_ACCOUNT_URL) {
    return [
      'AZURE_STORAGE_CONNECTION_STRING: must not be set together with AZURE_STORAGE_ACCOUNT_URL (choose one: a key or SAS, or the workload identity)',
    ];
  }
  return [];
}
