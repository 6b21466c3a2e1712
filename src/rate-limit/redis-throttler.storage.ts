import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { errorMessage } from '../common/error-message';
import { withTimeout } from '../common/with-timeout';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const CHECK_TIMEOUT_MS = 250;
const WARNING_INTERVAL_MS = 30_000;
const NOT_COUNTED: ThrottlerStorageRecord = {
  totalHits: 0,
  timeToExpire: 0,
  isBlocked: false,
  timeToBlockExpire: 0,
};

/**
 * Counters in the Redis every replica shares, under QUEUE_PREFIX. Fails open: with Redis down
 * or slow a request is served uncounted (and a warning logged), never refused or delayed.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly redis: Redis;
  private readonly counters: ThrottlerStorageRedisService;
  private lastWarningAt = -Infinity;

  constructor(
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.redis = new Redis(config.redisUrl, {
      keyPrefix: `${config.queuePrefix}:rate-limit:`,
      // While disconnected a check fails at once instead of queueing behind the reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    this.redis.on('error', (error: Error) => this.warn(`Redis: ${error.message}`));
    this.counters = new ThrottlerStorageRedisService(this.redis);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      return await withTimeout(
        this.counters.increment(key, ttl, limit, blockDuration, throttlerName),
        CHECK_TIMEOUT_MS,
        'rate limit check',
      );
    } catch (error) {
      this.metrics.recordRateLimitError();
      this.warn(`Rate limit not enforced: ${errorMessage(error)}`);
      return NOT_COUNTED;
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  // An outage fails every request: one line per interval, the metric counts them all.
  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarningAt >= WARNING_INTERVAL_MS) {
      this.lastWarningAt = now;
      this.logger.warn(message);
    }
  }
}
