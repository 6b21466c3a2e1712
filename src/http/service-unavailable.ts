import { ServiceUnavailableException } from '@nestjs/common';
import { FastifyReply } from 'fastify';

const RETRY_AFTER_S = '5';

/** A dependency did not answer: 503 with Retry-After, for the caller to throw. */
export function serviceUnavailable(
  reply: FastifyReply,
  message: string,
): ServiceUnavailableException {
  void reply.header('retry-after', RETRY_AFTER_S);
  return new ServiceUnavailableException({ message });
}
