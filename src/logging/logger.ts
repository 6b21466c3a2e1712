import { LoggerService } from '@nestjs/common';
import { FastifyBaseLogger } from 'fastify';
import pino, { Bindings, ChildLoggerOptions, Logger } from 'pino';
import { LogLevel } from '../config/env.dto';

/** One JSON logger per process, shared by Fastify (request logs) and Nest (everything else). */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'schedule-cache' },
    // Belt and braces: secrets are never passed to the logger, and these paths are masked anyway.
    redact: ['req.headers.authorization', '*.connectionString', '*.token', '*.UPSTREAM_API_TOKEN'],
  });
}

const LOG_METHODS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Fastify's childLoggerFactory, made lazy: a hit logs nothing, so it should not pay for a pino
 * child per request; the child is made on the first call that needs it.
 */
export function lazyChildLogger(
  this: unknown,
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined;
  const real = () => (child ??= logger.child(bindings, options));
  const methods: Record<string, unknown> = Object.fromEntries(
    LOG_METHODS.map((name) => [
      name,
      (...args: unknown[]) => {
        if (name === 'silent' || (options.level === undefined && !isEnabled(logger, name))) {
          return;
        }
        const log = real();
        Reflect.apply(log[name], log, args);
      },
    ]),
  );
  return new Proxy(methods, {
    get: (target, property): unknown =>
      property in target ? target[property as string] : Reflect.get(real(), property),
  }) as unknown as FastifyBaseLogger;
}

function isEnabled(logger: FastifyBaseLogger, level: string): boolean {
  const pinoLogger = logger as Partial<Logger>;
  return typeof pinoLogger.isLevelEnabled !== 'function' || pinoLogger.isLevelEnabled(level);
}

/** Adapts pino to Nest's LoggerService so framework and application logs share one format. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const stack = context ? stackOrContext : undefined;
    this.write('error', message, context ?? stackOrContext, stack);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(
    level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal',
    message: unknown,
    context?: string,
    stack?: string,
  ): void {
    const fields = { context, ...(stack ? { stack } : {}) };
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
