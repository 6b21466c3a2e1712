import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * Per-client limits as one onRequest hook, so plain Fastify routes (GET /api/dr-schedule) and
 * Nest routes are counted alike, before authentication, with one budget per client per limit.
 */
@Injectable()
export class RateLimitHook implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly store: RedisRateLimitStore,
    private readonly metrics: MetricsService,
    @Inject(RATE_LIMITS) private readonly limits: readonly RateLimit[],
  ) {}

  onModuleInit(): void {
    this.host.httpAdapter
      .getInstance<FastifyInstance>()
      .addHook('onRequest', (request, reply) => this.check(request, reply));
  }

  private async check(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The matched route, not the raw URL: probes, scrapers, docs and the queue UI are never limited.
    const route = request.routeOptions.url;
    if (route === undefined) {
      return;
    }
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
        await reply
          .code(429)
          .header('retry-after', String(retryAfterS))
          .send({
            message: `Too many requests: at most ${limit} a minute; retry after ${retryAfterS} s`,
          });
        return;
      }
    }
  }
}
