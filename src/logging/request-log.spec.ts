import Fastify, { FastifyBaseLogger, FastifyInstance } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { LogLevel } from '../config/env.dto';
import { lazyChildLogger } from './logger';
import { registerRequestLog } from './request-log';

type Line = Record<string, unknown>;

async function server(level: LogLevel): Promise<{ app: FastifyInstance; lines: Line[] }> {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Line);
      done();
    },
  });
  const logger: FastifyBaseLogger = pino({ level }, stream);
  const app = Fastify({
    loggerInstance: logger,
    disableRequestLogging: true,
    childLoggerFactory: lazyChildLogger,
  });
  registerRequestLog(app, level);
  app.get('/api/dr-schedule', (request, reply) => {
    const cache = (request.query as { cache: string }).cache;
    request.logFields = { companyId: 7, cache };
    return reply.send('{}');
  });
  app.get('/health/ready', (_request, reply) => reply.code(503).send({ status: 'error' }));
  app.get('/health/live', () => ({ status: 'ok' }));
  await app.ready();
  return { app, lines };
}

describe('Request log', () => {
  it('should write one info line per request with what the handler added, but not for memory hits', async () => {
    const { app, lines } = await server('info');

    await app.inject('/api/dr-schedule?cache=MISS');
    await app.inject('/api/dr-schedule?cache=HIT');
    await app.inject('/api/admin/nowhere');
    await app.close();

    expect(lines.filter((line) => line.msg === 'request completed')).toEqual([
      expect.objectContaining({
        level: 30,
        method: 'GET',
        url: '/api/dr-schedule?cache=MISS',
        status: 200,
        companyId: 7,
        cache: 'MISS',
        reqId: expect.any(String) as unknown,
      }),
      expect.objectContaining({ level: 30, url: '/api/admin/nowhere', status: 404 }),
    ]);
  });

  it('should keep healthy probes at debug and write a failing one at warn', async () => {
    const { app, lines } = await server('debug');

    await app.inject('/health/live');
    await app.inject('/health/ready');
    await app.inject('/api/dr-schedule?cache=HIT');
    await app.close();

    expect(lines.filter((line) => line.msg === 'request completed')).toEqual([
      expect.objectContaining({ level: 20, url: '/health/live', status: 200 }),
      expect.objectContaining({ level: 40, url: '/health/ready', status: 503 }),
      expect.objectContaining({ level: 20, url: '/api/dr-schedule?cache=HIT', cache: 'HIT' }),
    ]);
  });
});
