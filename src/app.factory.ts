import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { setupOpenApi } from './docs/openapi';
import { clientErrorAnswer } from './http/error-answer';
import { registerJsonBody } from './http/json-body';
import { requestId } from './http/request-id';
import { responseHeaders } from './http/security-headers';
import { createLogger, lazyChildLogger, PinoNestLogger } from './logging/logger';
import { registerRequestLog } from './logging/request-log';

// Only admin calls take a body (at most 62 dates, seven toggles); Fastify answers 413 above it.
export const MAX_BODY_BYTES = 16 * 1024;
/** Builds the application exactly as production runs it; tests use it too. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    // No Nest middleware here: middie's onRequest hook would cost every request for nothing.
    skipMiddie: true,
    bodyLimit: MAX_BODY_BYTES,
    loggerInstance: logger,
    trustProxy: config.http.trustProxy,
    // One line per request is ours (see registerRequestLog), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    genReqId: requestId,
    clientErrorHandler: clientErrorAnswer,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger),
    adapter,
    // JSON only, parsed by registerJsonBody: Nest's parsers would add urlencoded bodies.
    { logger: new PinoNestLogger(logger), bodyParser: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', responseHeaders);
  registerRequestLog(fastify, config.logLevel);
  registerJsonBody(fastify);
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins,
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['X-Cache', 'X-Request-Id', 'Retry-After'],
      maxAge: 600,
    });
  }
  setupOpenApi(app);
  return app;
}
