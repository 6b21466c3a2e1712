import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Queue } from 'bull';
import { FastifyInstance } from 'fastify';
import { ADMIN_CHALLENGE } from '../auth/admin-credential';
import { AuthMessages, authFailure } from '../auth/auth.errors';
import { Authenticator } from '../auth/authenticator';
import { QUEUE_BOARD_PATH } from '../auth/credential-routes';
import { Principal } from '../auth/principal';
import { errorAnswer } from '../http/error-answer';
import { RedisClientService } from '../redis/redis-client.service';
import { PREGEN_CONTROL_QUEUE } from './pregen.jobs';

/**
 * Bull Board is a raw Fastify plugin, so Nest guards never see its requests: an admin (JWT, or the
 * static token as Bearer or as a Basic password) is checked by a hook inside the plugin's own
 * encapsulation context.
 */
@Injectable()
export class QueueBoard implements OnApplicationBootstrap {
  constructor(
    private readonly host: HttpAdapterHost,
    @Inject(PREGEN_CONTROL_QUEUE) private readonly queue: Queue,
    private readonly authenticator: Authenticator,
    private readonly redis: RedisClientService,
  ) {}

  // Not onModuleInit: the plugin's context inherits only the root hooks (rate limits) added by then.
  onApplicationBootstrap(): void {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({ queues: [new BullAdapter(this.queue)], serverAdapter });
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(
      async (scope) => {
        scope.addHook('onRequest', async (request, reply) => {
          let principal: Principal;
          try {
            principal = await this.authenticator.authenticateRequest(request, 'browser');
          } catch (error) {
            const failure = authFailure(error);
            // Basic, so a browser asks for the password; the message says what to type there.
            const login = failure.status === 401;
            await reply
              .code(failure.status)
              .headers(login ? { 'www-authenticate': ADMIN_CHALLENGE } : {})
              .send({ message: login ? AuthMessages.queueUiLogin : failure.message });
            return;
          }
          if (principal.role !== 'admin') {
            await reply.code(403).send({ message: AuthMessages.adminRequired });
            return;
          }
          // Its API reads the queue: while Redis is down, a 503 at once rather than a hang.
          if (request.url.startsWith(`${QUEUE_BOARD_PATH}/api/`)) {
            await this.redis
              .whileAvailable('queue-control', 'queue UI', () => Promise.resolve())
              .catch(async (error: unknown) => {
                const { status, body, headers = {} } = errorAnswer(error);
                await reply.code(status).headers(headers).send(body);
              });
          }
        });
        await scope.register(serverAdapter.registerPlugin());
      },
      { prefix: QUEUE_BOARD_PATH },
    );
  }
}
