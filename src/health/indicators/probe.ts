import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { errorMessage } from '../../common/error-message';
import { withTimeout } from '../../common/with-timeout';

// A probe answers fast or counts as down: Kubernetes' own probe timeout is a few seconds.
export const PROBE_TIMEOUT_MS = 2_000;

/** `key` up when `run` settles within the timeout, else down with the reason; never throws. */
export async function probe(
  indicators: HealthIndicatorService,
  key: string,
  run: () => Promise<unknown>,
): Promise<HealthIndicatorResult> {
  const indicator = indicators.check(key);
  try {
    await withTimeout(run(), PROBE_TIMEOUT_MS, key);
    return indicator.up();
  } catch (error) {
    return indicator.down({ message: errorMessage(error) });
  }
}
