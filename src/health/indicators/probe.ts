import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { errorMessage } from '../../common/error-message';
import { withTimeout } from '../../common/with-timeout';

// A probe answers fast or counts as down: Kubernetes' own probe timeout is a few seconds.
export const PROBE_TIMEOUT_MS = 2_000;

/**
 * `key` up when `run` settles within the timeout (with `details` of its value, if given), else
 * down with the reason; never throws.
 */
export async function probe<T>(
  indicators: HealthIndicatorService,
  key: string,
  run: () => Promise<T>,
  details?: (value: T) => Record<string, unknown>,
): Promise<HealthIndicatorResult> {
  const indicator = indicators.check(key);
  try {
    const value = await withTimeout(run(), PROBE_TIMEOUT_MS, key);
    return indicator.up(details?.(value));
  } catch (error) {
    return indicator.down({ message: errorMessage(error) });
  }
}
