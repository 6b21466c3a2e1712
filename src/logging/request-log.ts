import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LogLevel } from '../config/env.dto';
import { logsDebug } from './logger';

declare module 'fastify' {
  interface FastifyRequest {
    /** What a handler adds to the request's one log line (company, date, cache state…). */
    logFields: Record<string, unknown> | null;
  }
}

// Kubernetes probes and Prometheus scrapes arrive every few seconds: noise at info.
const PROBES = /^\/(health|metrics)(\/|\?|$)/;

/**
 * One line per request, written when the answer is sent, by this hook only: at info, or at
 * debug for probes and memory hits (counted by /metrics instead), at warn for 5xx.
 */
export function registerRequestLog(fastify: FastifyInstance, level: LogLevel): void {
  const debugWritten = logsDebug(level);
  fastify.decorateRequest('logFields', null);
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const status = reply.statusCode;
    const quiet = status < 400 && (PROBES.test(request.url) || request.logFields?.cache === 'HIT');
    if (!quiet || debugWritten) {
      const line = {
        method: request.method,
        url: request.url,
        status,
        durationMs: Math.round(reply.elapsedTime),
        ...request.logFields,
      };
      request.log[quiet ? 'debug' : status >= 500 ? 'warn' : 'info'](line, 'request completed');
    }
    done();
  });
}
