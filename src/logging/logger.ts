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

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A request's logger whose pino child is made on the first line actually written. */
class LazyChildLogger {
  private made?: FastifyBaseLogger;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.options.level ?? this.parent.level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  private write(level: LogMethod, args: unknown[]): void {
    if (this.enabled(level)) {
      const log = this.real();
      Reflect.apply(log[level], log, args);
    }
  }

  // Fastify passes the route's log level (often the same as the parent's) in the options.
  private enabled(method: LogMethod): boolean {
    const values = (this.parent as Partial<Logger>).levels?.values;
    const level = this.options.level || this.parent.level;
    return !values || values[method] >= (values[level] ?? 0);
  }

  private real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }
}

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** Whether `level` writes debug lines (hits are logged only then). */
export function logsDebug(level: LogLevel): boolean {
  return level === 'debug' || level === 'trace';
}

/**
 * Fastify's childLoggerFactory, made lazy: a hit logs nothing, so it should not pay for a pino
 * child per request.
 */
export function lazyChildLogger(
  this: unknown,
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options);
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
