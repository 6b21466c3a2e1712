import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  Logger,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import { errorMessage } from '../common/error-message';

export const AUDITED = 'audited';

export interface AuditSpec {
  /** What kind of change, e.g. `serve-mode.set`. */
  readonly action: string;
  /** What it changes, from the request: a job id, a company, the new mode. */
  readonly target: (request: FastifyRequest) => unknown;
  /** What the log line says of a successful answer. */
  readonly result: (answer: unknown) => unknown;
}

/** One info line per admin change: who (the token's `sub`), what, on what, and how it ended. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDITED, context.getHandler());
    if (!spec) {
      return next.handle();
    }
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const line = {
      msg: `admin change: ${spec.action}`,
      actor: request.principal?.subject ?? null,
      action: spec.action,
      target: spec.target(request),
    };
    return next.handle().pipe(
      tap({
        next: (value) => this.logger.log({ ...line, result: spec.result(value) }),
        error: (error: unknown) =>
          this.logger.log({
            ...line,
            result: 'refused',
            status: error instanceof HttpException ? error.getStatus() : 500,
            reason: errorMessage(error),
          }),
      }),
    );
  }
}
