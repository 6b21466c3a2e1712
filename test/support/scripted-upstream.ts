import { validateSchedule } from '../../src/upstream/http-upstream.client';
import { UpstreamClient, UpstreamSchedule } from '../../src/upstream/upstream.client';

/** Unit-test double of the UpstreamClient port: answers `jobs` for any date, counting calls. */
export class ScriptedUpstream extends UpstreamClient {
  calls = 0;
  constructor(public jobs: object[]) {
    super();
  }
  async fetchSchedule(): Promise<UpstreamSchedule> {
    this.calls += 1;
    await new Promise((resolve) => setImmediate(resolve));
    const text = JSON.stringify({ Result: this.jobs, Message: 'ok', IsSuccess: true });
    return { text, companyIds: validateSchedule(text) };
  }
  fetchUsers(): Promise<string> {
    return Promise.reject(new Error('not used'));
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
}
