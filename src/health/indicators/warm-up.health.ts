import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { CacheWarmUp } from '../../schedule/cache-warm-up.service';

@Injectable()
export class WarmUpHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly warmUp: CacheWarmUp,
  ) {}

  /** Down while the starting replica loads documents into memory; up however that ended. */
  check(): HealthIndicatorResult {
    const indicator = this.indicators.check('warmUp');
    const progress = this.warmUp.progress;
    return progress.state === 'running' ? indicator.down(progress) : indicator.up(progress);
  }
}
