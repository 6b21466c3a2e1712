import { Inject, Injectable } from '@nestjs/common';
import { RateLimitName } from '../metrics/metric-names';
import { MetricsService } from '../metrics/metrics.service';
import { clientTracker } from './client-tracker';
import { RedisRateLimitStore } from './redis-rate-limit.store';

const MINUTE_MS = 60_000;

export interface RateLimit {
  readonly name: RateLimitName;
  /** Requests per minute per client. */
  readonly limit: number;
  /** Route prefix it applies to. */
  readonly path: string;
}

export const RATE_LIMITS = Symbol('RATE_LIMITS');

/** A request over its client's budget: answer 429 with these. */
export interface Refusal {
  readonly retryAfterS: number;
  readonly message: string;
}

/** Per-client budgets per route prefix, one per client per limit across every replica. */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly store: RedisRateLimitStore,
    private readonly metrics: MetricsService,
    @Inject(RATE_LIMITS) private readonly limits: readonly RateLimit[],
  ) {}

  /** Counts the request against every limit of `route`; a refusal when one is exceeded. */
  async check(
    route: string,
    request: { headers: { authorization?: string }; ip: string },
  ): Promise<Refusal | undefined> {
    let tracker: string | undefined;
    for (const { name, limit, path } of this.limits) {
      if (!route.startsWith(path)) {
        continue;
      }
      tracker ??= clientTracker(request);
      const count = await this.store.hit(`${name}:${tracker}`, MINUTE_MS);
      if (count !== null && count.hits > limit) {
        this.metrics.recordThrottled(name);
        const retryAfterS = Math.max(1, Math.ceil(count.resetInMs / 1000));
        return {
          retryAfterS,
          message: `Too many requests: at most ${limit} a minute; retry after ${retryAfterS} s`,
        };
      }
    }
    return undefined;
  }
}
