import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { ScheduleViews } from '../src/schedule/schedule-views.service';
import { createUpstreamSim, SimJob, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { SHOW_ALL_TOGGLES } from './support/feature-toggles';
import { adminFetch, getBytes, startTestApp, TestApp } from './support/test-app';
import { bearer, testToken } from './support/tokens';

const DATE = '2026-02-10';
const path = `/api/dr-schedule?startDate=${DATE}&endDate=${DATE}`;

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

describe(ScheduleViews.name, () => {
  let sim: UpstreamSim;
  let stack: TestApp;
  let company: number;
  let employee: number;
  let technician: Record<string, string>;
  let office: Record<string, string>;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 6, latencyMs: { min: 5, max: 10 } });
    company = sim.bigCompanyIds()[0];
    const jobs = sim.jobsFor(DATE, company) as Job[];
    employee = jobs[0].EmployeeSchedules!.find(
      (s) => s.EmployeeInformationId !== null,
    )!.EmployeeInformationId!;
    technician = bearer(
      await testToken({
        role: 'technician',
        serviceCompanyId: company,
        employeeInformationId: employee,
      }),
    );
    office = bearer(await testToken({ role: 'office', serviceCompanyId: company }));
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
  });

  afterAll(async () => {
    await stack?.close();
    await sim.close();
  });

  const assigned = () =>
    (sim.jobsFor(DATE, company) as Job[]).filter((job) =>
      (job.EmployeeSchedules ?? []).some((s) => s.EmployeeInformationId === employee),
    );

  it('should show a technician only its jobs, without office notes, door codes, money or contacts', async () => {
    const full = await getBytes(stack.url + path, office);
    await stack.app.get(ScheduleRefreshService).drain();
    const mine = await getBytes(stack.url + path, technician);
    const again = await getBytes(stack.url + path, technician);

    const all = JSON.parse(full.body.toString()) as { Result: Job[] };
    const seen = JSON.parse(mine.body.toString()) as { Result: Job[]; Message: string };
    expect(assigned().length).toBeGreaterThan(0);
    expect(assigned().length).toBeLessThan(all.Result.length);
    expect(all.Result.some((job) => 'InternalMemo' in job)).toBe(true);
    expect(seen.Result).toEqual(assigned().map((job) => visible(job, false)));
    expect(seen.Message).toBe(`Successfully retrieved ${assigned().length} jobs`);
    expect(mine.body.toString()).not.toMatch(/InternalMemo|AccessInformation|"BillRate"/);
    expect(mine.headers.get('etag')).not.toBe(full.headers.get('etag'));
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(again.body.equals(mine.body)).toBe(true);
  });

  it("should apply the company's toggles as soon as an admin changes them", async () => {
    const before = await getBytes(stack.url + path, technician);
    const put = await adminFetch(`${stack.url}/api/admin/companies/${company}/feature-toggles`, {
      method: 'PUT',
      body: SHOW_ALL_TOGGLES,
    });
    const after = await getBytes(stack.url + path, technician);
    const notModified = await getBytes(stack.url + path, {
      ...technician,
      'if-none-match': after.headers.get('etag')!,
    });

    expect(put.status).toBe(200);
    expect((JSON.parse(after.body.toString()) as { Result: SimJob[] }).Result).toEqual(
      assigned().map((job) => visible(job, true)),
    );
    expect(after.body.toString()).toContain('"BillRate"');
    expect(after.body.toString()).not.toMatch(/InternalMemo|AccessInformation/);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(notModified.status).toBe(304);
  });
});
