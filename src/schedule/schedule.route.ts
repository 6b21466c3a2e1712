import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authFailure } from '../auth/auth.errors';
import { Authenticator } from '../auth/authenticator';
import { Principal } from '../auth/principal';
import { resolveCompanyId } from '../auth/tenant-access';
import { parseScheduleQuery, ScheduleKey } from '../domain/schedule-key';
import { ReadWindow } from './read-window';
import { ScheduleResponder } from './schedule-responder';
import { ScheduleViews } from './schedule-views.service';
import { ScheduleAnswer, ScheduleService } from './schedule.service';

export const SCHEDULE_PATH = '/api/dr-schedule';

/**
 * GET /api/dr-schedule as a plain Fastify route: Nest's per-request pipeline would weigh on every
 * hit (docs/decisions/one-fastify-route.md). Request ids, security headers, rate limits and the
 * request log are Fastify hooks, so they apply here as to every route.
 */
@Injectable()
export class ScheduleRoute implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly authenticator: Authenticator,
    private readonly schedules: ScheduleService,
    private readonly views: ScheduleViews,
    private readonly responder: ScheduleResponder,
    private readonly window: ReadWindow,
  ) {}

  onModuleInit(): void {
    this.host.httpAdapter.getInstance<FastifyInstance>().route({
      method: 'GET',
      url: SCHEDULE_PATH,
      // Its errors reach Nest's error handler, and so ErrorAnswerFilter, as every route's do.
      handler: (request, reply) => this.serve(request, reply),
    });
  }

  private async serve(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const startedAt = performance.now();
    const principal = await this.authenticate(request, reply);
    if (!principal) {
      return;
    }
    const { companyId, date } = parseScheduleQuery(request.query as Record<string, unknown>);
    this.window.check(date);
    const key: ScheduleKey = { companyId: resolveCompanyId(principal, companyId), date };
    let answer: ScheduleAnswer;
    try {
      answer = await this.schedules.get(key, await this.views.for(principal));
    } catch (error) {
      this.responder.recordFailure(startedAt);
      request.logFields = { ...key, source: 'upstream' };
      throw error;
    }
    const prepared = this.responder.prepare(request.headers, answer);
    const { document } = answer;
    const body = prepared.notModified
      ? undefined
      : prepared.encoding
        ? await document.encoded(prepared.encoding)
        : document.body;
    // Before sending: the request-log hook reads these when the answer is written.
    request.logFields = this.responder.record(key, principal, answer, prepared, startedAt);
    // Not awaited: awaiting a reply waits for the socket to drain, which an answer need not do.
    void reply.code(prepared.status).headers(prepared.headers).send(body);
  }

  private async authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Principal | null> {
    try {
      return await this.authenticator.authenticateRequest(request, 'bearer');
    } catch (error) {
      const failure = authFailure(error);
      if (failure.challenge) {
        void reply.header('www-authenticate', failure.challenge);
      }
      void reply.code(failure.status).send({ message: failure.message });
      return null;
    }
  }
}
