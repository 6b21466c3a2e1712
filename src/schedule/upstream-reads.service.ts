import { Injectable } from '@nestjs/common';
import { CompanyId, ScheduleDate, ScheduleKey } from '../domain/schedule-key';
import { EMPTY_SCHEDULE, ScheduleDocument } from '../domain/schedule-document';
import { UpstreamClient } from '../upstream/upstream.client';

/**
 * Serve mode `upstream` (the rollback): every read is answered from a fresh legacy call, shared
 * only by reads of the same date that arrive while it runs; nothing is read from or written to
 * storage or the memory cache.
 */
@Injectable()
export class UpstreamReads {
  private readonly inFlight = new Map<ScheduleDate, Promise<Map<CompanyId, ScheduleDocument>>>();

  constructor(private readonly upstream: UpstreamClient) {}

  /** The company's document from a legacy call that started no earlier than this one. */
  async body(key: ScheduleKey): Promise<Buffer> {
    const documents = await this.fetchOnce(key.date);
    return (documents.get(key.companyId) ?? EMPTY_SCHEDULE).body;
  }

  private fetchOnce(date: ScheduleDate): Promise<Map<CompanyId, ScheduleDocument>> {
    let pending = this.inFlight.get(date);
    if (!pending) {
      pending = this.upstream.fetchSchedule(date);
      this.inFlight.set(date, pending);
      const forget = () => this.inFlight.delete(date);
      pending.then(forget, forget);
    }
    return pending;
  }
}
