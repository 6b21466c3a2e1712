import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { CycleRecord } from '../src/pregen/cycle-history.service';
import { JobDetails } from '../src/pregen/pregen-jobs.service';
import { SHOW_ALL_TOGGLES } from './support/feature-toggles';
import { completedJobs, EnqueuedCycle, listJobs, postPregen } from './support/admin-api';
import { request } from './support/http';
import { ServiceProcess, serviceEnv, startServiceProcess } from './support/service-process';
import { ADMIN_TOKEN, startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN, testToken } from './support/tokens';
import { waitFor } from './support/wait';

const DATES = ['2026-03-02', '2026-03-03'];

async function cycles(base: string, query = ''): Promise<CycleRecord[]> {
  const answer = await request(`${base}/api/admin/cycles${query}`, AS_ADMIN);
  return answer.json<{ cycles: CycleRecord[] }>().cycles;
}

describe('GET /api/admin/cycles', () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 10, max: 20 } });
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
  });

  afterAll(async () => {
    await stack.close();
    await sim.close();
  });

  it('should list a manual and a cli cycle, newest first, with trigger, actor and counts', async () => {
    const operator = await testToken({ role: 'admin' }, { subject: 'ops@example.com' });
    const manual = await postPregen(stack.url, [DATES[0]]);
    await completedJobs(stack.url, manual.json<EnqueuedCycle>());
    const cli = await request(`${stack.url}/api/admin/pregen`, {
      method: 'POST',
      token: operator,
      json: { dates: DATES, trigger: 'cli' },
    });
    const cliCycle = cli.json<EnqueuedCycle>();
    await completedJobs(stack.url, cliCycle);

    const listed = await waitFor('both cycles to be summarised', async () => {
      const all = await cycles(stack.url);
      return all.length === 2 && all.every((cycle) => cycle.finishedAt !== null) && all;
    });

    expect(cli.status).toBe(202);
    expect(cliCycle.cycleId).toMatch(/^cli-/);
    expect(listed.map(({ trigger, actor, dates }) => ({ trigger, actor, dates }))).toEqual([
      { trigger: 'cli', actor: 'ops@example.com', dates: DATES },
      { trigger: 'manual', actor: 'admin-api-token', dates: [DATES[0]] },
    ]);
    expect(listed[0]).toMatchObject({ id: cliCycle.cycleId, failed: 0, emptied: 0 });
    expect(listed[0].generated + listed[0].unchanged).toBeGreaterThan(0);
    expect(Date.parse(listed[0].finishedAt!)).toBeGreaterThanOrEqual(
      Date.parse(listed[0].startedAt),
    );
    expect(listed[0].upstreamMs).toBeGreaterThan(0);
    expect(await cycles(stack.url, '?limit=1')).toEqual([listed[0]]);
  });

  it('should refuse a limit over 500 and an unknown trigger', async () => {
    const tooMany = await request(`${stack.url}/api/admin/cycles?limit=501`, AS_ADMIN);
    const trigger = await request(`${stack.url}/api/admin/pregen`, {
      ...AS_ADMIN,
      method: 'POST',
      json: { trigger: 'cron' },
    });

    expect([tooMany.status, tooMany.json()]).toEqual([
      400,
      { message: 'limit must not be greater than 500' },
    ]);
    expect([trigger.status, trigger.json()]).toEqual([
      400,
      { message: 'trigger must be one of the following values: manual, cli' },
    ]);
  });
});

describe('GET /api/admin/jobs with jobs waiting to retry', () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 10, max: 20 } });
    // Long enough that the retry is still waiting when the test looks.
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url, PREGEN_BACKOFF_MS: '600000' });
  });

  afterAll(async () => {
    await stack.close();
    await sim.close();
  });

  it('should list a delayed job and show its failed attempt with the stack', async () => {
    sim.setFault('http-500');
    const trigger = await postPregen(stack.url, [DATES[0]]);
    const [{ id }] = trigger.json<EnqueuedCycle>().jobs;

    const delayed = await waitFor('the job to wait for its retry', async () => {
      return (await listJobs(stack.url, 'delayed')).find((job) => job.id === id);
    });
    const all = await listJobs(stack.url);
    const shown = await request(`${stack.url}/api/admin/jobs/${id}`, AS_ADMIN);

    expect(delayed).toMatchObject({ state: 'delayed', attempts: 1, date: DATES[0] });
    expect(all.filter((job) => job.id === id)).toEqual([delayed]);
    expect(shown.status).toBe(200);
    const details = shown.json<JobDetails>();
    expect(details).toMatchObject({ ...delayed, state: 'delayed' });
    expect(details.stacktrace).toHaveLength(1);
    expect(details.stacktrace[0]).toContain(details.error!);
  });

  it('should answer 404 for an unknown job', async () => {
    const answer = await request(`${stack.url}/api/admin/jobs/refresh:nope`, AS_ADMIN);

    expect([answer.status, answer.json()]).toEqual([404, { message: 'No job refresh:nope' }]);
  });
});

describe('Audit log of admin changes', () => {
  let sim: UpstreamSim;
  let service: ServiceProcess;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 10, max: 20 } });
    service = await startServiceProcess(serviceEnv({ UPSTREAM_BASE_URL: sim.url }));
  });

  afterAll(async () => {
    await service.kill();
    await sim.close();
  });

  /** The audit lines of the service's log so far. */
  const auditLines = () =>
    service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.context === 'Audit')
      .map(({ actor, action, target, result, status }) => ({
        actor,
        action,
        target,
        result,
        status,
      }));

  it('should log every admin change with its actor, target and result', async () => {
    const operator = await testToken({ role: 'admin' }, { subject: 'ops@example.com' });
    const as = (token: string, method: string, path: string, json?: unknown) =>
      request(`${service.url}${path}`, { token, method, json });
    const trigger = await as(operator, 'POST', '/api/admin/pregen', { dates: [DATES[0]] });
    await as(ADMIN_TOKEN, 'POST', '/api/admin/jobs/refresh:nope/retry');
    await as(operator, 'PUT', '/api/admin/pregen/schedule', { paused: true, reason: 'upgrade' });
    await as(ADMIN_TOKEN, 'PUT', '/api/admin/serve-mode', { mode: 'upstream' });
    const toggles = await as(
      operator,
      'PUT',
      '/api/admin/companies/26/feature-toggles',
      SHOW_ALL_TOGGLES,
    );
    await as(ADMIN_TOKEN, 'GET', '/api/admin/serve-mode');

    const lines = await waitFor('five audit lines', () => auditLines().length >= 5 && auditLines());

    expect(toggles.json()).toMatchObject({ updatedBy: 'ops@example.com' });
    expect(lines).toEqual([
      {
        actor: 'ops@example.com',
        action: 'pregen.trigger',
        target: [DATES[0]],
        result: trigger.json<EnqueuedCycle>().cycleId,
      },
      {
        actor: 'admin-api-token',
        action: 'job.retry',
        target: 'refresh:nope',
        result: 'refused',
        status: 404,
      },
      {
        actor: 'ops@example.com',
        action: 'pregen.schedule',
        target: { paused: true, reason: 'upgrade' },
        result: true,
      },
      {
        actor: 'admin-api-token',
        action: 'serve-mode.set',
        target: 'upstream',
        result: 'upstream',
      },
      {
        actor: 'ops@example.com',
        action: 'feature-toggles.put',
        target: 'company 26',
        result: SHOW_ALL_TOGGLES,
      },
    ]);
  });
});
