import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { PregenQueue } from '../src/pregen/pregen-queue.service';
import { AuthMessages } from '../src/auth/auth.errors';
import { MetricNames } from '../src/metrics/metric-names';
import { MetricsService } from '../src/metrics/metrics.service';
import { AS_ADMIN } from './support/tokens';
import { waitFor } from './support/wait';
import { request } from './support/http';
import { getSchedule, jobsOf } from './support/schedule-api';
import { completedJobs, EnqueuedCycle, listJobs, postPregen, runPregen } from './support/admin-api';
import { blobEtags, startTestApp, TestApp, uniqueContainer, withTestApp } from './support/test-app';
import { companyWithJobs } from './support/sim-schedules';

const DATE_MESSAGE = 'each value in dates must be a date as YYYY-MM-DD';
/** What class-validator says of `dates` when it is no array, before saying so. */
const NOT_AN_ARRAY = [
  "All dates's elements must be unique",
  'dates must contain no more than 62 elements',
  'dates must contain at least 1 elements',
].join('; ');
const LIMIT_MESSAGES = [
  'limit must not be greater than 500',
  'limit must not be less than 1',
  'limit must be an integer number',
].join('; ');
const STATE_MESSAGE =
  'state must be one of the following values: failed, completed, active, waiting, delayed';

/** Raw bodies of POST /api/admin/pregen, each refused with 400 and this body. */
const INVALID_PREGEN_BODIES: [string, object][] = [
  ['{"dates":"2026-03-05"}', { message: `${NOT_AN_ARRAY}; dates must be an array` }],
  [
    '{"dates":{"0":"2026-03-05"}}',
    { message: `${DATE_MESSAGE}; ${NOT_AN_ARRAY}; dates must be an array` },
  ],
  ['{"dates":[]}', { message: 'dates must contain at least 1 elements' }],
  ['{"dates":["2026-02-30"]}', { message: DATE_MESSAGE }],
  ['{"dates":["../../2026-03-05"]}', { message: DATE_MESSAGE }],
  ['{"dates":[20260305]}', { message: DATE_MESSAGE }],
  ['{"dates":[["2026-03-05"]]}', { message: DATE_MESSAGE }],
  ['{"dates":["2026-03-05","2026-03-05"]}', { message: "All dates's elements must be unique" }],
  ['{"dates":["2026-03-05"],"extra":true}', { message: 'property extra should not exist' }],
  ['[1,2]', { message: 'property 0 should not exist; property 1 should not exist' }],
  ['5', { message: 'Validation failed (object is expected)' }],
  ['"2026-03-05"', { message: 'Validation failed (object is expected)' }],
];

/** Queries of GET /api/admin/jobs, each refused with 400 and its message. */
const INVALID_JOB_QUERIES: [string, string][] = [
  ['?state=stuck', STATE_MESSAGE],
  ['?state=failed&state=completed', STATE_MESSAGE],
  ['?state[]=failed', 'property state[] should not exist'],
  ['?limit=0', 'limit must not be less than 1'],
  ['?limit=501', 'limit must not be greater than 500'],
  ['?limit=ten', LIMIT_MESSAGES],
  ['?limit=1e3', LIMIT_MESSAGES],
  ['?limit=-1', LIMIT_MESSAGES],
];

/** A request as the static admin. */
const admin = (base: string, path: string, method = 'GET') =>
  request(`${base}${path}`, { ...AS_ADMIN, method });

describe('Pre-generation admin API', () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 8, latencyMs: { min: 10, max: 30 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(async () => {
    sim.reset();
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url, PREGEN_ATTEMPTS: '3' });
  });

  afterEach(async () => {
    await stack.close();
  });

  describe('POST /api/admin/pregen', () => {
    it('should answer 202 with one job per date of the window', async () => {
      const answer = await postPregen(stack.url);

      expect(answer.status).toBe(202);
      const cycle = answer.json<EnqueuedCycle>();
      expect(cycle.cycleId).toMatch(/^manual-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z-[0-9a-f]{6}$/);
      expect(cycle.jobs).toHaveLength(7);
      expect(new Set(cycle.jobs.map((job) => job.date)).size).toBe(7);
    });

    it('should write every company and date with one upstream call per date', async () => {
      const done = await runPregen(stack.url);

      const dates = done.map((job) => job.date ?? '').sort();
      expect(dates).toHaveLength(7);
      expect(sim.calls()).toBe(7);
      for (const date of dates) {
        expect(sim.calls(date)).toBe(1);
        for (const companyId of sim.companyIds()) {
          const answer = await getSchedule(stack.url, { date, companyId }, AS_ADMIN);
          expect([date, companyId, answer.headers['x-cache']]).toEqual([date, companyId, 'HIT']);
          expect(jobsOf(answer)).toEqual(sim.jobsFor(date, companyId));
        }
      }
      expect(sim.calls()).toBe(7);
    });

    it('should keep unchanged documents and their ETags on the next cycle', async () => {
      const date = '2026-03-02';
      await runPregen(stack.url, [date]);
      const before = await blobEtags(stack.config.blob);

      const [again] = await runPregen(stack.url, [date]);
      const after = await blobEtags(stack.config.blob);

      expect(again.result?.written).toBe(0);
      expect(again.result?.unchanged).toBe(again.result?.companies);
      const documents = [...before.keys()].filter((name) => !name.startsWith('manifests/'));
      expect(documents.length).toBe(again.result?.companies);
      for (const name of documents) {
        expect([name, after.get(name)]).toEqual([name, before.get(name)]);
      }
    });

    it('should empty a company whose jobs were cancelled on the next cycle', async () => {
      const date = '2026-03-03';
      await runPregen(stack.url, [date]);
      const companyId = companyWithJobs(sim, date);
      sim.cancelJobs(companyId, date);

      const [next] = await runPregen(stack.url, [date]);
      const answer = await getSchedule(stack.url, { date, companyId }, AS_ADMIN);

      expect(next.result?.emptied).toBe(1);
      expect(answer.headers['x-cache']).toBe('HIT');
      expect(jobsOf(answer)).toEqual([]);
    });

    it('should retry a failing upstream, list the failed job, count it once as exhausted and leave stored documents alone', async () => {
      const date = '2026-03-04';
      await runPregen(stack.url, [date]);
      const before = await blobEtags(stack.config.blob);
      sim.setFault('http-500');

      const cycle = (await postPregen(stack.url, [date])).json<EnqueuedCycle>();
      const failed = await waitFor('the job to fail for good', async () =>
        (await listJobs(stack.url, 'failed')).find(
          (job) => job.cycleId === cycle.cycleId && job.attempts === 3,
        ),
      );

      expect(failed.error).toBe('Upstream answered HTTP 500');
      expect(sim.calls(date)).toBe(1 + 3);
      const metric = async (name: string) =>
        (await stack.app.get(MetricsService).registry.getSingleMetric(name)!.get()).values;
      expect(await metric(MetricNames.pregenJobsExhausted)).toEqual([{ labels: {}, value: 1 }]);
      expect(await metric(MetricNames.pregenJobs)).toContainEqual({
        labels: { status: 'failed' },
        value: 3,
      });
      expect(await blobEtags(stack.config.blob)).toEqual(before);
    });
  });

  describe('GET /api/admin/jobs', () => {
    it('should list the jobs of a state, newest first', async () => {
      const first = await runPregen(stack.url, ['2026-03-06']);
      const second = await runPregen(stack.url, ['2026-03-07']);

      const listed = await listJobs(stack.url, 'completed');

      expect(listed.map((job) => job.id)).toEqual([second[0].id, first[0].id]);
      expect(listed.map((job) => [job.state, job.date])).toEqual([
        ['completed', '2026-03-07'],
        ['completed', '2026-03-06'],
      ]);
      expect(await listJobs(stack.url, 'failed')).toEqual([]);
    });
  });

  describe('POST /api/admin/jobs/:id/retry', () => {
    it('should run a failed job again once the upstream is back', async () => {
      const date = '2026-03-04';
      sim.setFault('http-500');
      const cycle = (await postPregen(stack.url, [date])).json<EnqueuedCycle>();
      const failed = await waitFor('the job to fail for good', async () =>
        (await listJobs(stack.url, 'failed')).find((job) => job.cycleId === cycle.cycleId),
      );
      sim.setFault('none');

      const retried = await admin(stack.url, `/api/admin/jobs/${failed.id}/retry`, 'POST');
      const [done] = await completedJobs(stack.url, cycle);

      expect([retried.status, retried.json()]).toEqual([202, { id: failed.id, state: 'waiting' }]);
      expect(done.id).toBe(failed.id);
      expect(done.result?.failed).toBe(0);
      expect(sim.calls(date)).toBe(3 + 1);
    });

    it('should answer 409 for retrying a job that did not fail', async () => {
      const [done] = await runPregen(stack.url, ['2026-03-05']);

      const answer = await admin(stack.url, `/api/admin/jobs/${done.id}/retry`, 'POST');

      expect(answer.status).toBe(409);
      expect(answer.json()).toEqual({ message: expect.stringContaining('not failed') as string });
    });
  });

  describe('GET /api/dr-schedule/users', () => {
    it('should answer the synced users directory from storage, without calling the upstream', async () => {
      await stack.app.get(PregenQueue).enqueueUsersSync(new Date('2026-03-06T10:00:00Z'));
      await waitFor('the users sync', async () =>
        (await blobEtags(stack.config.blob)).has('users/users.json'),
      );
      const callsBefore = sim.calls();

      const answer = await admin(stack.url, '/api/dr-schedule/users');

      expect(answer.status).toBe(200);
      expect(answer.headers['x-cache']).toBe('HIT');
      expect(answer.json<{ Result: unknown }>().Result).toEqual(sim.users());
      expect(sim.calls()).toBe(callsBefore);
    });
  });
});

describe('Pre-generation admin API refusals', () => {
  let stack: TestApp;

  // No test here queues a job or reaches the legacy API: one app serves them all.
  beforeAll(async () => {
    stack = await startTestApp({ UPSTREAM_BASE_URL: 'http://127.0.0.1:9' });
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('POST /api/admin/pregen', () => {
    it.each(INVALID_PREGEN_BODIES)(
      'should refuse the body %s with 400 %j and queue nothing',
      async (body, expected) => {
        const answer = await request(`${stack.url}/api/admin/pregen`, {
          ...AS_ADMIN,
          method: 'POST',
          body,
        });

        expect(answer.status).toBe(400);
        expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(answer.json()).toEqual(expected);
        expect(await listJobs(stack.url)).toEqual([]);
      },
    );
  });

  describe('GET /api/admin/jobs', () => {
    it.each(INVALID_JOB_QUERIES)(
      'should refuse the query %s with 400 "%s"',
      async (query, message) => {
        const answer = await admin(stack.url, `/api/admin/jobs${query}`);

        expect(answer.status).toBe(400);
        expect(answer.json()).toEqual({ message });
      },
    );
  });

  describe('POST /api/admin/jobs/:id/retry', () => {
    it.each([
      ['nope', 'No job nope'],
      ['..%2F..%2Fx', 'No job ../../x'],
    ])('should answer 404 for retrying the unknown job %s', async (id, message) => {
      const answer = await admin(stack.url, `/api/admin/jobs/${id}/retry`, 'POST');

      expect([answer.status, answer.json()]).toEqual([404, { message }]);
    });
  });

  describe('admin credential', () => {
    const api = [AuthMessages.missing, AuthMessages.invalid];
    // A browser asks for the password of the queue UI's Basic challenge: the message says so.
    const queueUi = [AuthMessages.queueUiLogin, AuthMessages.queueUiLogin];

    it.each([
      ['GET', '/api/admin/jobs', api],
      ['POST', '/api/admin/pregen', api],
      ['POST', '/api/admin/jobs/x/retry', api],
      ['GET', '/api/dr-schedule/users', api],
      ['GET', '/admin/queues', queueUi],
      ['GET', '/admin/queues/api/queues', queueUi],
    ])('should refuse %s %s without the admin credential', async (method, path, messages) => {
      const url = stack.url + path;

      const missing = await request(url, { method });
      const wrong = await request(url, { method, token: 'wrong-token-wrong-token' });

      expect([missing.status, missing.json()]).toEqual([401, { message: messages[0] }]);
      expect([wrong.status, wrong.json()]).toEqual([401, { message: messages[1] }]);
    });

    it('should serve the queue UI to a browser with the admin password', async () => {
      const basic = Buffer.from(`admin:${stack.config.adminToken}`).toString('base64');

      const anonymous = await request(`${stack.url}/admin/queues`);
      const page = await request(`${stack.url}/admin/queues`, {
        headers: { authorization: `Basic ${basic}` },
      });
      const api = await admin(stack.url, '/admin/queues/api/queues');

      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
      expect(page.status).toBe(200);
      expect(page.text()).toContain('<html');
      expect(api.status).toBe(200);
    });
  });
});

describe('Admin API without a configured token', () => {
  it('should refuse every admin call, even one presenting a token', async () => {
    const stack = await startTestApp({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9',
      ADMIN_API_TOKEN: '',
    });
    try {
      for (const path of ['/api/admin/jobs', '/admin/queues']) {
        const answer = await request(stack.url + path, { token: 'any-token-any-token' });
        expect([path, answer.status]).toEqual([path, 401]);
      }
    } finally {
      await stack.close();
    }
  });
});

describe('Pre-generation across replicas', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 10, max: 20 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(() => sim.reset());

  /** Two replicas' shared Redis prefix and container. */
  const sharedStorage = () => ({
    BLOB_CONTAINER: uniqueContainer(),
    REDIS_KEY_PREFIX: uniqueContainer(),
  });

  it('should make one job per date when two replicas enqueue the same cron slot', async () => {
    const env = { UPSTREAM_BASE_URL: sim.url, PREGEN_DAYS: '7', ...sharedStorage() };
    const [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
    try {
      const slot = new Date('2026-04-01T10:30:00Z');

      const [cycleA, cycleB] = await Promise.all([
        a.app.get(PregenQueue).enqueueScheduledCycle(slot),
        b.app.get(PregenQueue).enqueueScheduledCycle(slot),
      ]);
      const done = await completedJobs(a.url, cycleA);

      expect(cycleB).toEqual(cycleA);
      expect(cycleA.jobs).toHaveLength(7);
      expect(done).toHaveLength(7);
      expect(await listJobs(a.url)).toHaveLength(7);
      expect(sim.calls()).toBe(7);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('should run each cron cycle once across two replicas', async () => {
    const env = { UPSTREAM_BASE_URL: sim.url, PREGEN_DAYS: '2', ...sharedStorage() };
    const cron = { ...env, PREGEN_ENABLED: 'true', PREGEN_CRON: '*/2 * * * * *' };
    const [a, b] = await Promise.all([startTestApp(cron), startTestApp(cron)]);
    try {
      await waitFor('two complete cron cycles', async () => {
        const done = (await listJobs(a.url, 'completed')).filter((job) => job.date);
        const cycles = new Set(done.map((job) => job.cycleId));
        const full = [...cycles].filter((id) => done.filter((j) => j.cycleId === id).length === 2);
        return full.length >= 2;
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    // With both crons stopped, a third replica runs what is still queued and lists it all.
    const jobs = await withTestApp(env, (c) =>
      waitFor('every queued job to complete', async () => {
        const all = (await listJobs(c.url)).filter((job) => job.date);
        return all.every((job) => job.state === 'completed') && all;
      }),
    );

    const cycles = new Set(jobs.map((job) => job.cycleId));
    for (const cycleId of cycles) {
      expect(cycleId).toMatch(/^cron-\d{4}-\d\d-\d\dT\d\d:\d\d:\d[02468]\.000Z$/);
    }
    expect(cycles.size).toBeGreaterThanOrEqual(2);
    expect(jobs).toHaveLength(2 * cycles.size);
    expect(new Set(jobs.map((job) => `${job.cycleId} ${job.date}`)).size).toBe(jobs.length);
    // A job run by both replicas would call twice; two cycles' jobs of one date that overlap on a
    // slow machine share one refresh (one call), so fewer calls than jobs is correct too.
    expect(sim.calls()).toBeLessThanOrEqual(jobs.length);
    expect(sim.calls()).toBeGreaterThanOrEqual(2);
  });
});
