import { HttpException, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authFailure } from '../auth/auth.errors';
import { Authenticator } from '../auth/authenticator';
import { Principal } from '../auth/principal';
import { resolveCompanyId } from '../auth/tenant-access';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { UpstreamError } from '../upstream/upstream.errors';
import { isNotModified, negotiateEncoding } from './http-caching';
import { SCHEDULE_CONTENT_TYPE } from './schedule-document';
import { parseScheduleQuery, ScheduleKey, ScheduleQueryError } from './schedule-key';
import { ScheduleViews } from './schedule-views.service';
import { ScheduleAnswer, ScheduleService } from './schedule.service';
import { upstreamFailureAnswer } from './upstream-error.filter';

export const SCHEDULE_PATH = '/api/dr-schedule';

const RESULTS = { HIT: 'hit', STALE: 'stale', MISS: 'miss' } as const;

/**
 * GET /api/dr-schedule as a plain Fastify route: a hit is most of the traffic, and Nest's
 * per-request pipeline (guards, pipes, param factories) cost more CPU than the hit itself.
 * Rate limiting is a global onRequest hook, so it runs here as on every /api route.
 */
@Injectable()
export class ScheduleRoute implements OnModuleInit {
  private readonly logger = new Logger(ScheduleRoute.name);
  private readonly cacheControl: string;

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly authenticator: Authenticator,
    private readonly schedules: ScheduleService,
    private readonly views: ScheduleViews,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    // Clients may reuse a copy as long as this service would call it fresh (see `Age`).
    this.cacheControl = `private, max-age=${config.cache.maxAgeSeconds}`;
  }

  onModuleInit(): void {
    this.host.httpAdapter.getInstance<FastifyInstance>().route({
      method: 'GET',
      url: SCHEDULE_PATH,
      handler: (request, reply) => this.serve(request, reply),
      errorHandler: (error, request, reply) => {
        void this.fail(error, request, reply);
      },
    });
  }

  private async serve(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const startedAt = performance.now();
    const principal = await this.authenticate(request, reply);
    if (!principal) {
      return;
    }
    const { companyId, date } = parseScheduleQuery(request.query as Record<string, unknown>);
    const key: ScheduleKey = { companyId: resolveCompanyId(principal, companyId), date };
    let answer: ScheduleAnswer;
    try {
      answer = await this.schedules.get(key, await this.views.for(principal));
    } catch (error) {
      const seconds = (performance.now() - startedAt) / 1000;
      this.metrics.recordRequest('error', seconds);
      request.log.warn(
        { ...key, source: 'upstream', durationMs: Math.round(seconds * 1000) },
        'schedule failed',
      );
      throw error;
    }
    const { document, state } = answer;
    const encoding = negotiateEncoding(request.headers['accept-encoding'], document);
    const age = Math.max(0, Math.floor((Date.now() - document.freshAt) / 1000));
    void reply
      .header('content-type', SCHEDULE_CONTENT_TYPE)
      .header('etag', document.etagFor(encoding))
      .header('last-modified', document.lastModified)
      .header('cache-control', this.cacheControl)
      .header('vary', 'Accept-Encoding, Authorization')
      .header('age', age)
      .header('x-cache', state);
    const notModified = isNotModified(request.headers, document);
    // Not awaited: awaiting a reply waits for the socket to drain, which a hit need not do.
    if (notModified) {
      void reply.code(304).send();
    } else if (encoding) {
      void reply.header('content-encoding', encoding).send(await document.encoded(encoding));
    } else {
      void reply.send(document.body);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    this.metrics.recordRequest(RESULTS[state], seconds, notModified);
    // Hits are counted by /metrics; a line each would cost a fifth of a hit's CPU at info.
    request.log[state === 'HIT' ? 'debug' : 'info'](
      {
        ...key,
        role: principal.role,
        cache: state,
        notModified,
        encoding,
        durationMs: Math.round(seconds * 1000),
      },
      'schedule served',
    );
  }

  private async authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Principal | null> {
    try {
      return await this.authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      const failure = authFailure(error);
      if (failure.challenge) {
        void reply.header('www-authenticate', failure.challenge);
      }
      void reply.code(failure.status).send({ message: failure.message });
      return null;
    }
  }

  /** Errors answer as the Nest routes do: `{"message": ...}`, and nothing internal leaks. */
  private fail(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (error instanceof ScheduleQueryError) {
      return reply.code(400).send({ message: error.message });
    }
    if (error instanceof HttpException) {
      return reply.code(error.getStatus()).send(error.getResponse());
    }
    if (error instanceof UpstreamError) {
      const { status, body } = upstreamFailureAnswer(error, this.logger);
      return reply.code(status).send(body);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ message: error.message });
    }
    request.log.error({ err: error }, 'schedule request failed');
    return reply.code(500).send({ message: 'Internal server error' });
  }
}
