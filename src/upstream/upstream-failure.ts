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
};

/** Nothing stored and the upstream failed: 504 on timeout, 502 on any other refused answer. */
export function upstreamFailureAnswer(
  error: UpstreamError,
  logger: Logger,
): { status: HttpStatus; body: { message: string } } {
  logger.warn(`Upstream failed (${error.kind}): ${error.message}`);
  return {
    status: error.kind === 'timeout' ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY,
    body: { message: `Schedule service unavailable: ${CLIENT_MESSAGES[error.kind]}` },
  };
}
