import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { HealthCheckResult } from '@nestjs/terminus';
import { FastifyReply } from 'fastify';
import { Duplex } from 'node:stream';
import { ScheduleQueryError } from '../domain/schedule-key';
import { RedisUnavailableError } from '../redis/redis-unavailable.error';
import { UpstreamError } from '../upstream/upstream.errors';
import { upstreamFailureAnswer } from '../upstream/upstream-failure';

/** The one error body of the API, `{"message": "..."}`, or a failing health check's report. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: { readonly message: string } | HealthCheckResult;
  /** E.g. `Retry-After` when a dependency is down. */
  readonly headers?: Readonly<Record<string, string>>;
}

const logger = new Logger('Errors');

/** Any error as the API answers it; nothing internal leaks, the unexpected is logged. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ScheduleQueryError) {
    return { status: HttpStatus.BAD_REQUEST, body: { message: error.message } };
  }
  if (error instanceof RedisUnavailableError) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: { message: error.message },
      headers: { 'retry-after': String(error.retryAfterS) },
    };
  }
  if (error instanceof UpstreamError) {
    return upstreamFailureAnswer(error, logger);
  }
  if (error instanceof HttpException) {
    const response = error.getResponse();
    // Probes and operators read terminus's report of what is down, in its documented format.
    if (isHealthCheckResult(response)) {
      return { status: error.getStatus(), body: response };
    }
    return { status: error.getStatus(), body: { message: messageOf(response) } };
  }
  // Fastify's own errors (413, 415, malformed JSON, 431) carry a client status.
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { message: (error as Error).message } };
  }
  logger.error(error instanceof Error ? error : String(error));
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { message: 'Internal server error' } };
}

function isHealthCheckResult(response: string | object): response is HealthCheckResult {
  return typeof response === 'object' && 'status' in response && 'details' in response;
}

function messageOf(response: string | object): string {
  if (typeof response === 'string') {
    return response;
  }
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return message.join('; ');
  }
  return typeof message === 'string' ? message : 'Error';
}

/** Every error a Nest route, guard, pipe or Fastify itself throws, answered as `errorAnswer`. */
@Catch()
export class ErrorAnswerFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body, headers = {} } = errorAnswer(error);
    void host.switchToHttp().getResponse<FastifyReply>().code(status).headers(headers).send(body);
  }
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'Request timed out'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Request headers are too large'],
};

/**
 * Fastify's clientErrorHandler: a request Node could not parse is answered on the socket, in
 * the API's one error shape, before any route sees it.
 */
export function clientErrorAnswer(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  const [status, reason, message] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'Bad Request',
    'Malformed request',
  ];
  const body = JSON.stringify({ message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
