import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { credentialScheme } from '../auth/credential-routes';
import { RateLimiter } from './rate-limiter';

/**
 * Rate limits as one onRequest hook, so plain Fastify routes (GET /api/dr-schedule), Nest routes
 * and the queue UI are counted alike. It authenticates the request; the route reuses the result.
 */
@Injectable()
export class RateLimitHook implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly limiter: RateLimiter,
  ) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    // Declared up front, so every request object keeps one shape.
    fastify.decorateRequest('authentication', null);
    fastify.addHook('onRequest', (request, reply) => this.check(request, reply));
  }

  private async check(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The matched route, not the raw URL: probes, scrapers and docs take no credential, no limit.
    const route = request.routeOptions.url;
    const scheme = route === undefined ? undefined : credentialScheme(route);
    if (route === undefined || scheme === undefined) {
      return;
    }
    const refusal = await this.limiter.check(route, scheme, request);
    if (refusal) {
      await reply
        .code(429)
        .header('retry-after', String(refusal.retryAfterS))
        .send({ message: refusal.message });
    }
  }
}
