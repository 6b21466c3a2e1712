import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { InjectQueue } from '@nestjs/bull';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Queue } from 'bull';
import { FastifyInstance } from 'fastify';
import { ADMIN_CHALLENGE, isAdminCredential } from '../auth/admin-credential';
import { AppConfig } from '../config/app-config';
import { PREGEN_QUEUE } from './pregen.jobs';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board is a raw Fastify plugin, so Nest guards never see its requests: the admin
 * credential is checked by a hook inside the plugin's own encapsulation context.
 */
@Injectable()
export class QueueBoard implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    @InjectQueue(PREGEN_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({ queues: [new BullAdapter(this.queue)], serverAdapter });
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(
      async (scope) => {
        scope.addHook('onRequest', async (request, reply) => {
          if (!isAdminCredential(request.headers.authorization, this.config.adminToken)) {
            await reply
              .code(401)
              .header('www-authenticate', ADMIN_CHALLENGE)
              .send({ message: 'Admin credential required' });
          }
        });
        await scope.register(serverAdapter.registerPlugin());
      },
      { prefix: QUEUE_BOARD_PATH },
    );
  }
}
