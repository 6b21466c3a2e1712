import { ScheduleDocument } from '../../src/domain/schedule-document';
import { CompanyId } from '../../src/domain/schedule-key';
import { splitAnswer } from '../../src/domain/schedule-splitter';
import { AnswerReservation, UpstreamClient } from '../../src/upstream/upstream.client';

/** Unit-test double of the UpstreamClient port: answers `jobs` for any date, counting calls. */
export class ScriptedUpstream extends UpstreamClient {
  calls = 0;
  /** Content-Length the answer claims to its caller's reservation. */
  answerBytes = 0;
  /** Called once the reservation granted the answer's bytes. */
  onReserved: () => void = () => undefined;
  constructor(public jobs: object[]) {
    super();
  }
  async fetchSchedule(
    _date?: unknown,
    reservation?: AnswerReservation,
  ): Promise<Map<CompanyId, ScheduleDocument>> {
    this.calls += 1;
    await new Promise((resolve) => setImmediate(resolve));
    await reservation?.reserve(this.answerBytes);
    this.onReserved();
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
