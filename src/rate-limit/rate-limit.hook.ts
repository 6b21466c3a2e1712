import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiter } from './rate-limiter';

/**
 * Rate limits as one onRequest hook, so plain Fastify routes (GET /api/dr-schedule) and Nest
 * routes are counted alike, before authentication.
 */
@Injectable()
export class RateLimitHook implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly limiter: RateLimiter,
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
    const refusal = await this.limiter.check(route, request);
    if (refusal) {
      await reply
        .code(429)
        .header('retry-after', String(refusal.retryAfterS))
        .send({ message: refusal.message });
    }
  }
}
