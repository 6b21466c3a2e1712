import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { setupOpenApi } from './docs/openapi';
import { createLogger, PinoNestLogger } from './logging/logger';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
// Only admin calls take a body and none needs more; Fastify answers 413 above it.
export const MAX_BODY_BYTES = 16 * 1024;

/** Builds the application exactly as production runs it; tests use it too. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    loggerInstance: logger,
    // One line per request is ours (company, date, source, duration), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // An incoming X-Request-Id is kept when it is sane, so logs join across services.
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.header('x-request-id', request.id);
      done();
    });
  setupOpenApi(app);
  return app;
}
