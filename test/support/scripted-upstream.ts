import { ScheduleDocument } from '../../src/domain/schedule-document';
import { CompanyId } from '../../src/domain/schedule-key';
import { splitAnswer } from '../../src/domain/schedule-splitter';
import { UpstreamClient } from '../../src/upstream/upstream.client';

/** Unit-test double of the UpstreamClient port: answers `jobs` for any date, counting calls. */
export class ScriptedUpstream extends UpstreamClient {
  calls = 0;
  constructor(public jobs: object[]) {
    super();
  }
  async fetchSchedule(): Promise<Map<CompanyId, ScheduleDocument>> {
    this.calls += 1;
    await new Promise((resolve) => setImmediate(resolve));
    const text = JSON.stringify({ Result: this.jobs, Message: 'ok', IsSuccess: true });
    return splitAnswer(Buffer.from(text));
  }
  fetchUsers(): Promise<string> {
    return Promise.reject(new Error('not used'));
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
}
