import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { errorMessage } from '../../common/error-message';
import { withTimeout } from '../../common/with-timeout';
import { RecentOutcomes } from '../recent-outcomes';

// A probe answers fast or counts as down: Kubernetes' own probe timeout is a few seconds.
export const PROBE_TIMEOUT_MS = 2_000;

// Health routes take no credential: a flood of them costs each dependency one check a second.
export const CHECK_REUSE_MS = 1_000;

/** One check per dependency at a time, its outcome shared by every health call for CHECK_REUSE_MS. */
@Injectable()
export class DependencyProbe {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly recent: RecentOutcomes,
  ) {}

  /**
   * `key` up when `run` settles within the timeout (with `details` of its value, if given), else
   * down with the reason; never throws.
   */
  check<T>(
    key: string,
    run: () => Promise<T>,
    details?: (value: T) => Record<string, unknown>,
  ): Promise<HealthIndicatorResult> {
    return this.recent.get(key, async () => {
      const indicator = this.indicators.check(key);
      try {
        const value = await withTimeout(run(), PROBE_TIMEOUT_MS, key);
        return indicator.up(details?.(value));
      } catch (error) {
        return indicator.down({ message: errorMessage(error) });
      }
    });
  }
}
