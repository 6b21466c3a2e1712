import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { CycleRecord } from '../src/pregen/cycle-history.service';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { listJobs } from './support/admin-api';
import { HttpAnswer, request } from './support/http';
import { getSchedule, jobsOf } from './support/schedule-api';
import { ServiceProcess, serviceEnv, startServiceProcess } from './support/service-process';
import { blobNames, startTestApp, TestApp, uniqueContainer } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { waitFor } from './support/wait';

const DATE = '2026-08-03';
// Pub/sub carries a change at once; the periodic reload (every 5 s) would be too late for this.
const SWITCH_SEEN_WITHIN_MS = 3_000;

const put = (base: string, path: string, json: unknown): Promise<HttpAnswer> =>
  request(`${base}${path}`, { ...AS_ADMIN, method: 'PUT', json });
const get = (base: string, path: string): Promise<HttpAnswer> =>
  request(`${base}${path}`, AS_ADMIN);

/** Two replicas' shared Redis prefix and container. */
const shared = () => ({ BLOB_CONTAINER: uniqueContainer(), REDIS_KEY_PREFIX: uniqueContainer() });

describe('GET, PUT /api/admin/pregen/schedule', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 5, max: 10 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('should answer PREGEN_ENABLED as the default, then the stored switch after a restart', async () => {
    const env = { UPSTREAM_BASE_URL: sim.url, PREGEN_ENABLED: 'true', ...shared() };
    const first = await startTestApp(env);
    let before: HttpAnswer;
    let stored: HttpAnswer;
    try {
      before = await get(first.url, '/api/admin/pregen/schedule');
      stored = await put(first.url, '/api/admin/pregen/schedule', { paused: true, reason: 'x' });
    } finally {
      await first.close();
    }
    const second = await startTestApp(env);
    try {
      const after = await get(second.url, '/api/admin/pregen/schedule');
      const health = await request(`${second.url}/health`);
      const metrics = (await request(`${second.url}/metrics`)).text();

      expect(before.json()).toEqual({
        paused: false,
        reason: null,
        updatedBy: null,
        updatedAt: null,
      });
      expect(stored.status).toBe(200);
      expect(stored.json()).toEqual({
        paused: true,
        reason: 'x',
        updatedBy: 'admin-api-token',
        updatedAt: expect.any(String),
      });
      expect(after.json()).toEqual(stored.json());
      expect(health.json()).toMatchObject({
        details: { pregen: { schedule: stored.json(), serveMode: 'cache' } },
      });
      expect(metrics).toContain('\nschedule_cache_pregen_paused 1\n');
    } finally {
      await second.close();
    }
  });

  it('should refuse a body without paused or with a reason over 200 characters', async () => {
    const stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
    try {
      const missing = await put(stack.url, '/api/admin/pregen/schedule', { reason: 'x' });
      const long = await put(stack.url, '/api/admin/pregen/schedule', {
        paused: true,
        reason: 'x'.repeat(201),
      });

      expect([missing.status, missing.json()]).toEqual([
        400,
        { message: 'paused must be a boolean value' },
      ]);
      expect([long.status, long.json()]).toEqual([
        400,
        { message: 'reason must be shorter than or equal to 200 characters' },
      ]);
    } finally {
      await stack.close();
    }
  });
});

describe('Pausing the cron cycle across replicas', () => {
  let sim: UpstreamSim;
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 2, latencyMs: { min: 5, max: 10 } });
    const env = serviceEnv({
      UPSTREAM_BASE_URL: sim.url,
      PREGEN_ENABLED: 'true',
      PREGEN_CRON: '* * * * * *',
      PREGEN_DAYS: '1',
    });
    [a, b] = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
  });

  afterAll(async () => {
    await Promise.all([a.kill(), b.kill()]);
    await sim.close();
  });

  const skippedTicks = (replica: ServiceProcess): number =>
    replica.output().split('"msg":"pregen-cycle tick skipped: paused: deploy"').length - 1;
  const cronCycles = async (): Promise<CycleRecord[]> => {
    const answer = await get(a.url, '/api/admin/cycles?limit=500');
    return answer.json<{ cycles: CycleRecord[] }>().cycles.filter((c) => c.trigger === 'cron');
  };

  it('should stop the ticks of the other replica, and start them again on resume', async () => {
    await waitFor('a cron cycle to finish', async () =>
      (await cronCycles()).some((cycle) => cycle.finishedAt !== null),
    );

    const paused = await put(a.url, '/api/admin/pregen/schedule', {
      paused: true,
      reason: 'deploy',
    });
    await waitFor('both replicas to skip a tick', () => skippedTicks(a) > 0 && skippedTicks(b) > 0);
    // Whatever was enqueued before the pause runs to the end.
    const before = await waitFor('the queue to settle', async () => {
      const busy = [...(await listJobs(a.url, 'waiting')), ...(await listJobs(a.url, 'active'))];
      const cycles = await cronCycles();
      return busy.length === 0 && cycles.every((c) => c.finishedAt !== null) && cycles;
    });
    const calls = sim.calls();
    const [skippedA, skippedB] = [skippedTicks(a), skippedTicks(b)];
    await waitFor(
      'three more skipped ticks on each replica',
      () => skippedTicks(a) >= skippedA + 3 && skippedTicks(b) >= skippedB + 3,
    );
    const during = await cronCycles();
    const callsDuring = sim.calls();

    const resumed = await put(b.url, '/api/admin/pregen/schedule', { paused: false });
    const after = await waitFor('a new cron cycle', async () => {
      const cycles = await cronCycles();
      return cycles.length > during.length && cycles;
    });

    expect(paused.status).toBe(200);
    expect(resumed.json()).toMatchObject({ paused: false, reason: null });
    expect(during).toEqual(before);
    expect(callsDuring).toBe(calls);
    expect(after[0].startedAt > during[0].startedAt).toBe(true);
  });
});

describe('GET, PUT /api/admin/serve-mode', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 5, max: 10 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(() => sim.reset());

  describe('with two replicas', () => {
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      const env = { UPSTREAM_BASE_URL: sim.url, ...shared() };
      [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
    });

    afterAll(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    it('should make the other replica answer BYPASS from fresh legacy calls, and back', async () => {
      const companyId = sim.companyIds()[0];
      const read = (headers: Record<string, string> = {}) =>
        getSchedule(b.url, { date: DATE, companyId }, { ...AS_ADMIN, headers });
      const miss = await read();
      await b.app.get(ScheduleRefreshService).drain();
      const hit = await read();

      const switched = await put(a.url, '/api/admin/serve-mode', { mode: 'upstream' });
      await waitFor(
        'replica B to bypass',
        async () => (await read()).headers['x-cache'] === 'BYPASS',
        SWITCH_SEEN_WITHIN_MS,
      );
      const callsBefore = sim.calls(DATE);
      const bypass = await read({ 'if-none-match': String(hit.headers.etag) });
      const again = await read();
      const callsAfter = sim.calls(DATE);
      const shown = await get(b.url, '/api/admin/serve-mode');

      await put(a.url, '/api/admin/serve-mode', { mode: 'cache' });
      await waitFor(
        'replica B to serve from the cache',
        async () => (await read()).headers['x-cache'] === 'HIT',
        SWITCH_SEEN_WITHIN_MS,
      );

      expect([miss.headers['x-cache'], hit.headers['x-cache']]).toEqual(['MISS', 'HIT']);
      expect(switched.json()).toEqual({
        mode: 'upstream',
        updatedBy: 'admin-api-token',
        updatedAt: expect.any(String),
      });
      expect(shown.json()).toEqual(switched.json());
      expect(bypass.status).toBe(200);
      expect(bypass.headers).toMatchObject({
        'x-cache': 'BYPASS',
        'cache-control': 'no-store',
        'content-type': 'application/json; charset=utf-8',
      });
      expect(bypass.headers.etag).toBeUndefined();
      expect(bypass.headers['last-modified']).toBeUndefined();
      expect(jobsOf(bypass)).toEqual(jobsOf(hit));
      expect(again.headers['x-cache']).toBe('BYPASS');
      expect(callsAfter - callsBefore).toBe(2);
    });
  });

  it('should write nothing to blob storage, count bypasses and pause the ticks', async () => {
    const stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url, SERVE_MODE: 'upstream' });
    try {
      const companies = sim.companyIds().slice(0, 3);
      const answers: HttpAnswer[] = [];
      for (const companyId of companies) {
        answers.push(await getSchedule(stack.url, { date: DATE, companyId }, AS_ADMIN));
      }
      const metrics = (await request(`${stack.url}/metrics`)).text();
      const mode = await get(stack.url, '/api/admin/serve-mode');

      expect(mode.json()).toEqual({ mode: 'upstream', updatedBy: null, updatedAt: null });
      expect(answers.map((answer) => answer.headers['x-cache'])).toEqual(
        companies.map(() => 'BYPASS'),
      );
      expect(sim.calls(DATE)).toBe(companies.length);
      expect(await blobNames(stack.config.blob)).toEqual([]);
      expect(metrics).not.toMatch(/blob_operation_duration_seconds_count\{op="read"\} [1-9]/);
      expect(metrics).toContain(
        `\nschedule_cache_requests_total{result="bypass"} ${companies.length}\n`,
      );
      expect(metrics).toContain('\nschedule_cache_pregen_paused 1\n');
    } finally {
      await stack.close();
    }
  });

  it('should refuse a mode it does not know', async () => {
    const stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
    try {
      const answer = await put(stack.url, '/api/admin/serve-mode', { mode: 'blob' });

      expect([answer.status, answer.json()]).toEqual([
        400,
        { message: 'mode must be one of the following values: cache, upstream' },
      ]);
    } finally {
      await stack.close();
    }
  });
});
