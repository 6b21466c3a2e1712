import { MetricsService } from '../metrics/metrics.service';
import { ScheduleDocument } from '../domain/schedule-document';
import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { AnswerReservation, UpstreamClient } from './upstream.client';
import { UpstreamError } from './upstream.errors';
import { UpstreamSlots } from './upstream-slots';

/**
 * The legacy API within the cap on calls in flight: a call waits up to `waitMs` for a slot, then
 * fails as `busy` (503 with Retry-After). Pings are probes, not queries: they never wait.
 */
export class BoundedUpstreamClient extends UpstreamClient {
  constructor(
    private readonly inner: UpstreamClient,
    private readonly slots: UpstreamSlots,
    private readonly metrics: MetricsService,
    private readonly waitMs: number,
  ) {
    super();
  }

  fetchSchedule(
    date: ScheduleDate,
    reservation?: AnswerReservation,
  ): Promise<Map<CompanyId, ScheduleDocument>> {
    return this.withinCap(() => this.inner.fetchSchedule(date, reservation));
  }

  fetchUsers(): Promise<string> {
    return this.withinCap(() => this.inner.fetchUsers());
  }

  ping(timeoutMs: number): Promise<void> {
    return this.inner.ping(timeoutMs);
  }

  private async withinCap<T>(call: () => Promise<T>): Promise<T> {
    const slot = await this.slots.acquire(this.waitMs);
    if (!slot) {
      this.metrics.recordUpstreamRefusal();
      throw new UpstreamError('busy', `no call slot came free within ${this.waitMs} ms`);
    }
    this.metrics.trackUpstreamInFlight(1);
    try {
      return await call();
    } finally {
      slot.release();
      this.metrics.trackUpstreamInFlight(-1);
    }
  }
}
