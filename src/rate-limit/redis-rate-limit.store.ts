import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Redis } from 'ioredis';
import { errorMessage } from '../common/error-message';
import { withTimeout } from '../common/with-timeout';
import { RedisClientService } from '../redis/redis-client.service';
import { MetricsService } from '../metrics/metrics.service';

/** A client's requests in the current window, and when that window ends. */
export interface WindowCount {
  readonly hits: number;
  readonly resetInMs: number;
}

const CHECK_TIMEOUT_MS = 250;
const WARNING_INTERVAL_MS = 30_000;
const READY_WAIT_MS = 3_000;

// A fixed window that starts at a client's first request; one round trip, loaded once (EVALSHA).
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
`;

interface RateLimitCommands {
  rateLimitHit(key: string, windowMs: number): Promise<[number, number]>;
}

/**
 * Counters in the Redis every replica shares, under REDIS_KEY_PREFIX. Fails open: with Redis down
 * or slow a request is served uncounted (and a warning logged), never refused or delayed.
 */
@Injectable()
export class RedisRateLimitStore implements OnApplicationBootstrap {
  private readonly logger = new Logger(RedisRateLimitStore.name);
  private readonly redis: Redis & RateLimitCommands;
  private lastWarningAt = -Infinity;

  constructor(
    redis: RedisClientService,
    private readonly metrics: MetricsService,
  ) {
    this.redis = redis.client('rate-limit') as Redis & RateLimitCommands;
    this.redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  }

  /** Counts one request against `key`; null when it could not be counted. */
  async hit(key: string, windowMs: number): Promise<WindowCount | null> {
    try {
      const [hits, resetInMs] = await withTimeout(
        this.redis.rateLimitHit(key, windowMs),
        CHECK_TIMEOUT_MS,
        'rate limit check',
      );
      return { hits, resetInMs };
    } catch (error) {
      this.metrics.recordRateLimitError();
      this.warn(`Rate limit not enforced: ${errorMessage(error)}`);
      return null;
    }
  }

  /** Serving starts once counting works, or after a bounded wait when Redis is down at boot. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.redis.status !== 'ready') {
      await Promise.race([
        // Not events.once: it would reject on the first 'error' of a Redis that is down.
        new Promise((resolve) => this.redis.once('ready', resolve)),
        new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS).unref()),
      ]);
    }
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
