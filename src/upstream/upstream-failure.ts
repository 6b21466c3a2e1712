import { HttpStatus, Logger } from '@nestjs/common';
import { UpstreamError, UpstreamFailure } from './upstream.errors';

// Clients learn what failed, not where: addresses and causes stay in the logs.
const CLIENT_MESSAGES: Record<UpstreamFailure, string> = {
  timeout: 'the legacy schedule API did not answer in time',
  network: 'the legacy schedule API is unreachable',
  'http-status': 'the legacy schedule API answered with an error',
  'too-large': 'the legacy schedule API answered too much data',
  'invalid-json': 'the legacy schedule API answered invalid data',
  'not-success': 'the legacy schedule API reported a failure',
  'invalid-result': 'the legacy schedule API answered invalid data',
  busy: 'too many calls to the legacy schedule API are waiting, try again later',
};

// About one legacy call's time: by then a slot has likely come free.
export const BUSY_RETRY_AFTER_S = 5;

/**
 * Nothing stored and the upstream failed: 504 on timeout, 503 with Retry-After when no call
 * slot came free, 502 on any other refused answer.
 */
export function upstreamFailureAnswer(
  error: UpstreamError,
  logger: Logger,
): { status: HttpStatus; body: { message: string }; headers?: Record<string, string> } {
  logger.warn(`Upstream failed (${error.kind}): ${error.message}`);
  const body = { message: `Schedule service unavailable: ${CLIENT_MESSAGES[error.kind]}` };
  if (error.kind === 'busy') {
    const headers = { 'retry-after': String(BUSY_RETRY_AFTER_S) };
    return { status: HttpStatus.SERVICE_UNAVAILABLE, body, headers };
  }
  return {
    status: error.kind === 'timeout' ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY,
    body,
  };
}
