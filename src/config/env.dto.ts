import { Transform } from 'class-transformer';
import { CronTime } from 'cron';
import { isIP } from 'node:net';
import { toBool, toInt } from '../common/transforms';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUrl,
  Matches,
  Max,
  MinLength,
  Min,
  ValidateBy,
} from 'class-validator';

function isCronExpression(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  try {
    new CronTime(value);
    return true;
  } catch {
    return false;
  }
}

const IsCronExpression = () =>
  ValidateBy({
    name: 'isCronExpression',
    validator: {
      validate: isCronExpression,
      defaultMessage: () => '$property must be a cron expression (5 fields, or 6 with seconds)',
    },
  });

/** `true`, `false`, a hop count, or comma-separated proxy addresses/CIDRs (Fastify's trustProxy). */
export function isTrustProxy(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  if (/^(true|false|\d{1,2})$/.test(value)) {
    return true;
  }
  return value.split(',').every((entry) => {
    const [address, bits, ...rest] = entry.trim().split('/');
    const version = isIP(address);
    const maxBits = version === 6 ? 128 : 32;
    return (
      version !== 0 &&
      rest.length === 0 &&
      (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))
    );
  });
}

/** Comma-separated exact origins: scheme, host and optional port, no path. */
export function isCorsOrigins(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.split(',').every((entry) => {
      const origin = entry.trim();
      try {
        const url = new URL(origin);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin;
      } catch {
        return false;
      }
    })
  );
}

const Satisfies = (name: string, validate: (value: unknown) => boolean, message: string) =>
  ValidateBy({ name, validator: { validate, defaultMessage: () => `$property ${message}` } });

export const SERVE_MODES = ['cache', 'upstream'] as const;
export type ServeMode = (typeof SERVE_MODES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every environment variable the service reads, with its default (see docs/configuration.md). */
export class EnvironmentVariables {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  // The address to listen on: all interfaces in a container, loopback behind a local proxy.
  @Satisfies(
    'HOST',
    (value) => typeof value === 'string' && isIP(value) !== 0,
    'must be an IP address',
  )
  HOST = '0.0.0.0';

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  // Prefix of every Redis key and channel: deployments (or test runs) sharing one Redis stay apart.
  @IsOptional()
  @Matches(/^[\w-]{1,64}$/, { message: '$property must be 1-64 letters, digits, _ or -' })
  REDIS_KEY_PREFIX?: string;

  // The old name of REDIS_KEY_PREFIX, still honoured when that is not set.
  @IsOptional()
  @Matches(/^[\w-]{1,64}$/, { message: '$property must be 1-64 letters, digits, _ or -' })
  QUEUE_PREFIX?: string;

  // Account key or SAS (Azurite locally); unset with neither this nor AZURE_STORAGE_ACCOUNT_URL:
  // Azurite's development storage.
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  AZURE_STORAGE_CONNECTION_STRING?: string;

  // Blob endpoint reached as the pod's Entra ID identity (DefaultAzureCredential), no key.
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['https'] },
    { message: '$property must be an https URL such as https://<account>.blob.core.windows.net' },
  )
  AZURE_STORAGE_ACCOUNT_URL?: string;

  // Azure container naming rules: 3-63 chars, lowercase letters, digits and single hyphens.
  @Matches(/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, {
    message: 'must be a valid container name',
  })
  BLOB_CONTAINER = 'schedule-cache';

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @IsDefined({ message: '$property is required' })
  UPSTREAM_BASE_URL!: string;

  @IsOptional()
  @IsString()
  UPSTREAM_API_TOKEN?: string;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  UPSTREAM_TIMEOUT_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  // A 5,000-company day (~335 MB) fits; one answer at the cap, split (~2x), fits a 1,536 Mi pod.
  @Max(1024)
  UPSTREAM_MAX_BODY_MB = 512;

  // Calls to the legacy API in flight at once on this replica; more wait for a slot.
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  UPSTREAM_MAX_IN_FLIGHT = 8;

  // Calls to the legacy API in flight at once across every replica, counted in Redis.
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(4096)
  UPSTREAM_MAX_IN_FLIGHT_TOTAL = 16;

  // How long a call waits for a slot before its request is answered 503.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120_000)
  UPSTREAM_QUEUE_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  BLOB_WRITE_CONCURRENCY = 16;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  BLOB_TIMEOUT_MS = 5_000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toBool)
  @IsBoolean({ message: '$property must be true or false' })
  PREGEN_ENABLED = true;

  @IsCronExpression()
  PREGEN_CRON = '*/30 * * * *';

  @IsTimeZone()
  SCHEDULE_TIMEZONE = 'UTC';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(62)
  PREGEN_DAYS = 7;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  PREGEN_ATTEMPTS = 3;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  PREGEN_BACKOFF_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  PREGEN_CONCURRENCY = 4;

  // Upstream answer bytes the refreshes of one replica hold at once; 128 keeps a 1,000-company
  // cycle under 512 MB RSS (256 measured ~590 MB).
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65_536)
  PREGEN_MEMORY_MB = 128;

  @Transform(toInt)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  PREGEN_LOCK_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(600_000)
  PREGEN_STALLED_CHECK_MS = 30_000;

  // How long a worker that lost Redis while fetching jobs waits before fetching again.
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  PREGEN_FETCH_RETRY_MS = 5_000;

  @IsCronExpression()
  USERS_SYNC_CRON = '0 * * * *';

  // Days a finished cycle's summary stays in GET /api/admin/cycles.
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(366)
  HISTORY_DAYS = 30;

  // The boot default of the run-time serve mode: `upstream` sends every read to the legacy API.
  @IsIn(SERVE_MODES)
  SERVE_MODE: ServeMode = 'cache';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_MS = 25_000;

  // How stale a replica's copy of a company's feature toggles may be after another replica's PUT.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  FEATURE_TOGGLES_TTL_MS = 10_000;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: '$property must be at least 16 characters' })
  ADMIN_API_TOKEN?: string;

  // 0 turns the in-process cache off: every request reads blob storage.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65_536)
  CACHE_MEMORY_MB = 256;

  // Seconds; unset means twice the PREGEN_CRON interval.
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  CACHE_MAX_AGE?: number;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  CACHE_REVALIDATE_SECONDS = 60;

  // How long a starting replica may load the window into memory before it reports ready; 0 = off.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  WARMUP_TIMEOUT_MS = 30_000;

  // Documents and manifests of dates older than today minus this many days are deleted; 0 = keep.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_650)
  RETENTION_DAYS = 30;

  @IsCronExpression()
  RETENTION_CRON = '0 15 3 * * *';

  // Days before today that GET /api/dr-schedule serves; older dates are refused with a 400.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_650)
  READ_PAST_DAYS = 30;

  // Days after today that GET /api/dr-schedule serves; at least PREGEN_DAYS - 1.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_650)
  READ_FUTURE_DAYS = 62;

  // Requests per client per minute on /api, shared by every replica through Redis; 0 = off.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE = 600;

  // A second, lower budget for /api/admin/* (each pre-generation call costs upstream calls); 0 = off.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  ADMIN_RATE_LIMIT_PER_MINUTE = 60;

  // Failed authentications per client address per minute on every route that takes a credential; 0 = off.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  FAILED_AUTH_PER_MINUTE = 20;

  @Satisfies(
    'isTrustProxy',
    isTrustProxy,
    'must be true, false, a hop count or comma-separated IP addresses/CIDRs',
  )
  TRUST_PROXY = 'false';

  @IsOptional()
  @Satisfies(
    'isCorsOrigins',
    isCorsOrigins,
    'must be comma-separated http(s) origins such as https://portal.example.com',
  )
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: '$property must be at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: '$property must be an http(s) URL' },
  )
  AUTH_JWKS_URL?: string;

  @IsOptional()
  @IsString()
  AUTH_JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  AUTH_JWT_AUDIENCE?: string;

  @Transform(toBool)
  @IsBoolean({ message: '$property must be true or false' })
  AUTH_DISABLED = false;
}
