import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { SHOW_ALL_TOGGLES } from './support/feature-toggles';
import { request } from './support/http';
import { getSchedule, ScheduleEnvelope } from './support/schedule-api';
import { startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN, testToken } from './support/tokens';

const DATE = '2026-02-10';

type Job = Record<string, unknown> & {
  EmployeeSchedules?: { EmployeeInformationId: number | null }[] | null;
  HomeInformation?: Record<string, unknown> & { ContactInfos?: { Type: string }[] };
};

const MONEY = ['BillRate', 'FeeSplitRate', 'AddOnRate', 'RoomRate', 'Discounts'];

/** What a technician may see of `job` with the privacy-first default toggles, or all of it. */
function visible(job: Job, showAll: boolean): Job {
  const kept: Job = { ...job };
  delete kept.InternalMemo;
  for (const field of showAll ? [] : MONEY) {
    delete kept[field];
  }
  if (kept.HomeInformation) {
    const home = { ...kept.HomeInformation };
    delete home.AccessInformation;
    kept.HomeInformation = showAll ? home : { ...home, ContactInfos: [] };
    if (!home.ContactInfos) {
      delete kept.HomeInformation.ContactInfos;
    }
  }
  return kept;
}

describe('GET /api/dr-schedule as a technician', () => {
  let sim: UpstreamSim;
  let stack: TestApp;
  let company: number;
  let employee: number;
  let technician: string;
  let office: string;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 6, latencyMs: { min: 5, max: 10 } });
    company = sim.bigCompanyIds()[0];
    const jobs = sim.jobsFor(DATE, company) as Job[];
    employee = jobs[0].EmployeeSchedules!.find(
      (s) => s.EmployeeInformationId !== null,
    )!.EmployeeInformationId!;
    technician = await testToken({
      role: 'technician',
      serviceCompanyId: company,
      employeeInformationId: employee,
    });
    office = await testToken({ role: 'office', serviceCompanyId: company });
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
  });

  afterAll(async () => {
    await stack?.close();
    await sim.close();
  });

  /** The company's schedule of DATE, as the caller `token` sees it. */
  const get = (token: string, headers: Record<string, string> = {}) =>
    getSchedule(stack.url, { date: DATE }, { token, headers });
  const assigned = () =>
    (sim.jobsFor(DATE, company) as Job[]).filter((job) =>
      (job.EmployeeSchedules ?? []).some((s) => s.EmployeeInformationId === employee),
    );

  it('should show a technician only its jobs, without office notes, door codes, money or contacts', async () => {
    const full = await get(office);
    await stack.app.get(ScheduleRefreshService).drain();
    const mine = await get(technician);
    const again = await get(technician);

    const all = full.json<ScheduleEnvelope<Job>>();
    const seen = mine.json<ScheduleEnvelope<Job>>();
    expect(assigned().length).toBeGreaterThan(0);
    expect(assigned().length).toBeLessThan(all.Result.length);
    expect(all.Result.some((job) => 'InternalMemo' in job)).toBe(true);
    expect(seen.Result).toEqual(assigned().map((job) => visible(job, false)));
    expect(seen.Message).toBe(`Successfully retrieved ${assigned().length} jobs`);
    expect(mine.text()).not.toMatch(/InternalMemo|AccessInformation|"BillRate"/);
    expect(mine.headers.etag).not.toBe(full.headers.etag);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body.equals(mine.body)).toBe(true);
  });

  it("should apply the company's toggles as soon as an admin changes them", async () => {
    const before = await get(technician);
    const put = await request(`${stack.url}/api/admin/companies/${company}/feature-toggles`, {
      ...AS_ADMIN,
      method: 'PUT',
      json: SHOW_ALL_TOGGLES,
    });
    const after = await get(technician);
    const notModified = await get(technician, { 'if-none-match': String(after.headers.etag) });

    expect(put.status).toBe(200);
    expect(after.json<ScheduleEnvelope<Job>>().Result).toEqual(
      assigned().map((job) => visible(job, true)),
    );
    expect(after.text()).toContain('"BillRate"');
    expect(after.text()).not.toMatch(/InternalMemo|AccessInformation/);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(notModified.status).toBe(304);
  });
});
