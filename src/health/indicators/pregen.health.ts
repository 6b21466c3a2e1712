import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { errorMessage } from '../../common/error-message';
import { DateFreshness } from '../../refresh/date-freshness.service';
import { OperatorSwitches } from '../../switches/operator-switches.service';
import { RecentOutcomes } from '../recent-outcomes';

@Injectable()
export class PregenHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly freshness: DateFreshness,
    private readonly switches: OperatorSwitches,
    private readonly recent: RecentOutcomes,
  ) {}

  /**
   * The pause and serve-mode switches as this replica obeys them, and the age of each
   * pre-generated date's last successful refresh (shared like a dependency's check): information,
   * never down.
   */
  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('pregen');
    const switches = { schedule: this.switches.schedule, serveMode: this.switches.serveMode };
    try {
      const lastSuccess = await this.recent.get('pregen', () => this.freshness.lastSuccessByDate());
      return indicator.up({ ...switches, lastSuccess });
    } catch (error) {
      return indicator.up({ ...switches, message: errorMessage(error) });
    }
  }
}
