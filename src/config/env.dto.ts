import { Transform } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;

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
}
