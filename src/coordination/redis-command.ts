import { Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import { withTimeout } from '../common/with-timeout';

const COMMAND_TIMEOUT_MS = 2_000;

/**
 * The answer of a coordination command, or undefined when Redis is unreachable or slow: callers
 * then fall back to this replica alone, and `logger` says so with `degraded`.
 */
export async function coordinationCommand<T>(
  pending: Promise<T>,
  logger: Logger,
  degraded: string,
): Promise<T | undefined> {
  try {
    return await withTimeout(pending, COMMAND_TIMEOUT_MS, 'Redis command');
  } catch (error) {
    logger.warn(`${degraded}: ${errorMessage(error)}`);
    return undefined;
  }
}
