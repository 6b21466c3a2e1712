import {
  RefreshClaim,
  RefreshCoordinator,
  RefreshOutcome,
} from '../../src/coordination/refresh-coordinator';
import { ScheduleDate } from '../../src/domain/schedule-key';

/** Unit-test double: one replica, every claim granted; outcomes recorded and announced. */
export class LocalRefreshCoordinator extends RefreshCoordinator {
  readonly outcomes: RefreshOutcome[] = [];
  private readonly listeners: ((outcome: RefreshOutcome) => void)[] = [];

  claim(_date: ScheduleDate, _since: number): Promise<RefreshClaim> {
    return Promise.resolve({
      kind: 'lease',
      lease: {
        release: (outcome) => {
          this.outcomes.push(outcome);
          this.listeners.forEach((listener) => listener(outcome));
          return Promise.resolve();
        },
      },
    });
  }

  onOutcome(listener: (outcome: RefreshOutcome) => void): void {
    this.listeners.push(listener);
  }
}
