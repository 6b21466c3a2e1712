import { Inject, Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { AuthenticationError } from '../auth/auth.errors';
import { Authenticator } from '../auth/authenticator';
import { CredentialScheme } from '../auth/credential-routes';
import { Principal } from '../auth/principal';
import { AppConfig } from '../config/app-config';
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

/** The budgets of every request, and those a failed authentication also counts against. */
export interface RateLimits {
  readonly all: readonly RateLimit[];
  readonly failedAuth: readonly RateLimit[];
}

export const RATE_LIMITS = Symbol('RATE_LIMITS');

/** A request over its client's budget: answer 429 with these. */
export interface Refusal {
  readonly retryAfterS: number;
  readonly message: string;
}

/**
 * Per-client budgets per route prefix, one per client per limit across every replica. A verified
 * caller counts as its principal; a failed authentication counts against its address, also under
 * the failed-auth budget, so varying the credential gains nothing.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly store: RedisRateLimitStore,
    private readonly metrics: MetricsService,
    private readonly authenticator: Authenticator,
    private readonly config: AppConfig,
    @Inject(RATE_LIMITS) private readonly limits: RateLimits,
  ) {}

  /** Counts the request against every limit of `route`; a refusal when one is exceeded. */
  async check(
    route: string,
    scheme: CredentialScheme,
    request: FastifyRequest,
  ): Promise<Refusal | undefined> {
    let principal: Principal | undefined;
    let failed = false;
    try {
      principal = await this.authenticator.authenticateRequest(request, scheme);
    } catch (error) {
      // Anything else (keys unavailable) is not the caller's doing: its address, normal budgets.
      failed = error instanceof AuthenticationError;
    }
    // Without authentication every caller is the same principal: tell them apart by address.
    const tracker = clientTracker(this.config.auth.disabled ? undefined : principal, request.ip);
    for (const { name, limit, path } of failed ? this.limits.failedAuth : this.limits.all) {
      if (!route.startsWith(path)) {
        continue;
      }
      const count = await this.store.hit(`${name}:${tracker}`, MINUTE_MS);
      if (count === null) {
        // Redis down or slow: served uncounted, without waiting on the other counters too.
        return undefined;
      }
      if (count.hits > limit) {
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
