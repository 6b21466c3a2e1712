import { Transform } from 'class-transformer';
import { CronTime } from 'cron';
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

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every environment variable the service reads; defaults live here and in the README table. */
export class EnvironmentVariables {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  // Bull's key prefix: deployments (or test runs) sharing one Redis stay apart.
  @Matches(/^[\w-]{1,64}$/, { message: '$property must be 1-64 letters, digits, _ or -' })
  QUEUE_PREFIX = 'schedule-cache';

  @IsString()
  @IsNotEmpty()
  AZURE_STORAGE_CONNECTION_STRING = 'UseDevelopmentStorage=true';

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
  @Max(1024)
  UPSTREAM_MAX_BODY_MB = 64;

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

  @IsCronExpression()
  USERS_SYNC_CRON = '0 * * * *';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_MS = 25_000;

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
}
