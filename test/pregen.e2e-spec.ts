import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { PregenAdminController } from '../src/pregen/pregen-admin.controller';
import { PregenQueue } from '../src/pregen/pregen-queue.service';
import { ScheduleDate } from '../src/domain/schedule-key';
import { AuthMessages } from '../src/auth/auth.errors';
import { ADMIN_HEADERS } from './support/tokens';
import { waitFor } from './support/wait';
import {
  AdminJob,
  adminFetch,
  blobEtags,
  getBytes,
  startTestApp,
  TestApp,
  uniqueContainer,
} from './support/test-app';

const schedulePath = (companyId: number, date: string) =>
  `/api/dr-schedule?startDate=${date}&endDate=${date}&serviceCompanyId=${companyId}`;

describe(PregenAdminController.name, () => {
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

  const jobs = async (state: string): Promise<AdminJob[]> =>
    (await adminFetch(`${stack.url}/api/admin/jobs?state=${state}&limit=500`)).json as AdminJob[];

  const trigger = async (dates?: string[]) => {
    const answer = await adminFetch(`${stack.url}/api/admin/pregen`, {
      method: 'POST',
      body: dates ? { dates } : undefined,
    });
    expect(answer.status).toBe(202);
    return answer.json as { cycleId: string; jobs: { id: string; date: string }[] };
  };

  const completedCycle = async (dates?: string[]) => {
    const cycle = await trigger(dates);
    return waitFor(`cycle ${cycle.cycleId} to complete`, async () => {
      const done = (await jobs('completed')).filter((job) => job.cycleId === cycle.cycleId);
      return done.length === cycle.jobs.length && done;
    });
  };

  it('should write every company and date with one upstream call per date', async () => {
    const done = await completedCycle();

    const dates = done.map((job) => job.date ?? '').sort();
    expect(dates).toHaveLength(7);
    expect(sim.calls()).toBe(7);
    for (const date of dates) {
      expect(sim.calls(date)).toBe(1);
      for (const companyId of sim.companyIds()) {
        const answer = await getBytes(stack.url + schedulePath(companyId, date), ADMIN_HEADERS);
        expect(answer.headers.get('x-cache')).toBe('HIT');
        expect(JSON.parse(answer.body.toString()).Result).toEqual(sim.jobsFor(date, companyId));
      }
    }
    expect(sim.calls()).toBe(7);
  });

  it('should keep unchanged documents and their ETags on the next cycle', async () => {
    const date = '2026-03-02';
    await completedCycle([date]);
    const before = await blobEtags(stack.config.blob);

    const [again] = await completedCycle([date]);
    const after = await blobEtags(stack.config.blob);

    expect(again.result?.written).toBe(0);
    expect(again.result?.unchanged).toBe(again.result?.companies);
    for (const [name, etag] of before) {
      if (!name.startsWith('manifests/')) {
        expect(after.get(name)).toBe(etag);
      }
    }
  });

  it('should empty a company whose jobs were cancelled on the next cycle', async () => {
    const date = '2026-03-03';
    await completedCycle([date]);
    const companyId = sim.companyIds().find((id) => sim.jobsFor(date, id).length > 0)!;
    sim.cancelJobs(companyId, date);

    const [next] = await completedCycle([date]);
    const answer = await getBytes(stack.url + schedulePath(companyId, date), ADMIN_HEADERS);

    expect(next.result?.emptied).toBe(1);
    expect(answer.headers.get('x-cache')).toBe('HIT');
    expect(JSON.parse(answer.body.toString()).Result).toEqual([]);
  });

  it('should retry a failing upstream, list the failed job and leave stored documents alone', async () => {
    const date = '2026-03-04';
    await completedCycle([date]);
    const before = await blobEtags(stack.config.blob);
    sim.setFault('http-500');

    const cycle = await trigger([date]);
    const failed = await waitFor('the job to fail for good', async () =>
      (await jobs('failed')).find((job) => job.cycleId === cycle.cycleId && job.attempts === 3),
    );

    expect(failed.error).toBe('Upstream answered HTTP 500');
    expect(sim.calls(date)).toBe(1 + 3);
    expect(await blobEtags(stack.config.blob)).toEqual(before);

    sim.setFault('none');
    const retried = await adminFetch(`${stack.url}/api/admin/jobs/${failed.id}/retry`, {
      method: 'POST',
    });
    expect(retried.status).toBe(202);
    await waitFor('the retried job to complete', async () =>
      (await jobs('completed')).find((job) => job.id === failed.id),
    );
  });

  it('should answer 404 for retrying an unknown job and 409 for a job that did not fail', async () => {
    const [done] = await completedCycle(['2026-03-05']);

    const unknown = await adminFetch(`${stack.url}/api/admin/jobs/nope/retry`, { method: 'POST' });
    const notFailed = await adminFetch(`${stack.url}/api/admin/jobs/${done.id}/retry`, {
      method: 'POST',
    });

    expect(unknown.status).toBe(404);
    expect(notFailed.status).toBe(409);
    expect(notFailed.json).toEqual({ message: expect.stringContaining('not failed') as string });
  });

  it.each([
    [{ dates: '2026-03-05' }],
    [{ dates: [] }],
    [{ dates: ['2026-02-30'] }],
    [{ dates: ['2026-03-05', '2026-03-05'] }],
    [{ dates: [20260305] }],
    [{ dates: ['2026-03-05'], extra: true }],
  ])('should refuse the pre-generation body %j with 400 and queue nothing', async (body) => {
    const answer = await adminFetch(`${stack.url}/api/admin/pregen`, { method: 'POST', body });

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ message: expect.any(String) as string });
    expect(await jobs('waiting')).toEqual([]);
  });

  it.each([['?state=stuck'], ['?limit=0'], ['?limit=501'], ['?limit=ten']])(
    'should refuse the job listing query %s with 400',
    async (query) => {
      const answer = await adminFetch(`${stack.url}/api/admin/jobs${query}`);

      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ message: expect.any(String) as string });
    },
  );

  it('should cache the users directory and answer it to admins only', async () => {
    await stack.app.get(PregenQueue).enqueueUsersSync(new Date('2026-03-06T10:00:00Z'));
    await waitFor('the users sync', async () =>
      (await blobEtags(stack.config.blob)).has('users/users.json'),
    );
    const callsBefore = sim.calls();

    const answer = await getBytes(`${stack.url}/api/dr-schedule/users`, {
      authorization: `Bearer ${stack.config.adminToken}`,
    });
    const anonymous = await getBytes(`${stack.url}/api/dr-schedule/users`);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-cache')).toBe('HIT');
    expect(JSON.parse(answer.body.toString()).Result).toEqual(sim.users());
    expect(anonymous.status).toBe(401);
    expect(sim.calls()).toBe(callsBefore);
  });

  it.each([
    ['GET', '/api/admin/jobs'],
    ['POST', '/api/admin/pregen'],
    ['POST', '/api/admin/jobs/x/retry'],
    ['GET', '/api/dr-schedule/users'],
    ['GET', '/admin/queues'],
    ['GET', '/admin/queues/api/queues'],
  ])('should refuse %s %s without the admin credential', async (method, path) => {
    const missing = await adminFetch(stack.url + path, { method, token: null });
    const wrong = await adminFetch(stack.url + path, { method, token: 'wrong-token-wrong-token' });

    expect([missing.status, missing.json]).toEqual([401, { message: AuthMessages.missing }]);
    expect([wrong.status, wrong.json]).toEqual([401, { message: AuthMessages.invalid }]);
  });

  it('should serve the queue UI to a browser with the admin password', async () => {
    const basic = Buffer.from(`admin:${stack.config.adminToken}`).toString('base64');

    const anonymous = await fetch(`${stack.url}/admin/queues`);
    const page = await fetch(`${stack.url}/admin/queues`, {
      headers: { authorization: `Basic ${basic}` },
    });
    const api = await adminFetch(`${stack.url}/admin/queues/api/queues`);

    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect(api.status).toBe(200);
  });
});

describe('PregenAdminController without a configured token', () => {
  it('should refuse every admin call, even one presenting a token', async () => {
    const stack = await startTestApp({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9',
      ADMIN_API_TOKEN: '',
    });
    try {
      for (const path of ['/api/admin/jobs', '/admin/queues']) {
        const answer = await adminFetch(stack.url + path, { token: 'any-token-any-token' });
        expect(answer.status).toBe(401);
      }
    } finally {
      await stack.close();
    }
  });
});

describe(PregenQueue.name, () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 10, max: 20 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('should make one job per date when two replicas enqueue the same cron slot', async () => {
    const shared = { BLOB_CONTAINER: uniqueContainer(), REDIS_KEY_PREFIX: uniqueContainer() };
    const env = { UPSTREAM_BASE_URL: sim.url, PREGEN_DAYS: '7', ...shared };
    const [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
    try {
      const slot = new Date('2026-04-01T10:30:00Z');
      const [cycleA, cycleB] = await Promise.all([
        a.app.get(PregenQueue).enqueueScheduledCycle(slot),
        b.app.get(PregenQueue).enqueueScheduledCycle(slot),
      ]);
      expect(cycleB).toEqual(cycleA);

      await waitFor('seven completed jobs', async () => {
        const done = (await adminFetch(`${a.url}/api/admin/jobs?state=completed`))
          .json as AdminJob[];
        return done.length === 7;
      });
      expect(sim.calls()).toBe(7);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('should run each cron cycle once across two replicas', async () => {
    sim.reset();
    const shared = { BLOB_CONTAINER: uniqueContainer(), REDIS_KEY_PREFIX: uniqueContainer() };
    const env = {
      UPSTREAM_BASE_URL: sim.url,
      PREGEN_ENABLED: 'true',
      PREGEN_CRON: '*/2 * * * * *',
      PREGEN_DAYS: '2',
      ...shared,
    };
    const [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
    let completed: AdminJob[] = [];
    try {
      completed = await waitFor('two complete cron cycles', async () => {
        const done = (await adminFetch(`${a.url}/api/admin/jobs?state=completed&limit=500`))
          .json as AdminJob[];
        const cycles = new Set(done.map((job) => job.cycleId));
        const full = [...cycles].filter((id) => done.filter((j) => j.cycleId === id).length === 2);
        return full.length >= 2 && done;
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }

    const cycles = new Set(completed.map((job) => job.cycleId));
    for (const cycleId of cycles) {
      expect(cycleId).toMatch(/^cron-\d{4}-\d\d-\d\dT\d\d:\d\d:\d[02468]\.000Z$/);
    }
    // Jobs finished after the listing above may add calls, never duplicates: one per job id.
    const dates = [...new Set(completed.map((job) => job.date))] as ScheduleDate[];
    const calls = dates.reduce((sum, date) => sum + sim.calls(date), 0);
    expect(calls).toBeGreaterThanOrEqual(completed.length);
    expect(calls).toBeLessThanOrEqual(completed.length + 2 * dates.length);
  });
});
