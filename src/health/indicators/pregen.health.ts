import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { errorMessage } from '../../common/error-message';
import { DateFreshness } from '../../refresh/date-freshness.service';
import { OperatorSwitches } from '../../switches/operator-switches.service';

@Injectable()
export class PregenHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly freshness: DateFreshness,
    private readonly switches: OperatorSwitches,
  ) {}

  /**
   * The pause and serve-mode switches as this replica obeys them, and the age of each
   * pre-generated date's last successful refresh: information, never down.
   */
  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('pregen');
    const switches = { schedule: this.switches.schedule, serveMode: this.switches.serveMode };
    try {
      return indicator.up({ ...switches, lastSuccess: await this.freshness.lastSuccessByDate() });
    } catch (error) {
      return indicator.up({ ...switches, message: errorMessage(error) });
    }
  }
}
