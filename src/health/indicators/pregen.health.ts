import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { errorMessage } from '../../common/error-message';
import { DateFreshness } from '../../refresh/date-freshness.service';

@Injectable()
export class PregenHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly freshness: DateFreshness,
  ) {}

  /** Age of each pre-generated date's last successful refresh: information, never down. */
  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('pregen');
    try {
      return indicator.up({ lastSuccess: await this.freshness.lastSuccessByDate() });
    } catch (error) {
      return indicator.up({ message: errorMessage(error) });
    }
  }
}
