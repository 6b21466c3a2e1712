import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { AuthMessages } from '../src/auth/auth.errors';
import { listJobs } from './support/admin-api';
import { HttpAnswer, request } from './support/http';
import { RunningService, startRedis } from './support/services';
import { blobEtags, startTestApp, TestApp, uniqueContainer } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { waitFor } from './support/wait';

const USERS_BLOB = 'users/users.json';
/** Far enough away that no tick fires during a test: only the sync at start runs. */
const NEVER = '0 0 1 1 *';
const CRON_AT_START = { PREGEN_ENABLED: 'true', PREGEN_CRON: NEVER, USERS_SYNC_CRON: NEVER };

describe('Users directory', () => {
  let sim: UpstreamSim;
  const apps: TestApp[] = [];
  const redisServers: RunningService[] = [];

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 10, max: 30 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await Promise.all(redisServers.splice(0).map((redis) => redis.stop()));
  });

  async function start(env: Record<string, string>): Promise<TestApp> {
    const app = await startTestApp({ UPSTREAM_BASE_URL: sim.url, ...env });
    apps.push(app);
    return app;
  }

  const getUsers = (app: TestApp): Promise<HttpAnswer> =>
    request(`${app.url}/api/dr-schedule/users`, AS_ADMIN);
  const postSync = (app: TestApp, token = AS_ADMIN.token): Promise<HttpAnswer> =>
    request(`${app.url}/api/admin/users/sync`, { method: 'POST', token });
  const usersStored = async (app: TestApp) =>
    (await blobEtags(app.config.blob)).get(USERS_BLOB) ?? false;
  const syncJobs = async (app: TestApp, state: 'completed' | 'failed') =>
    (await listJobs(app.url, state)).filter((job) => job.name === 'sync-users');

  describe('a starting deployment', () => {
    it('should serve the first call from storage, synced once by one of two replicas', async () => {
      const shared = { BLOB_CONTAINER: uniqueContainer(), REDIS_KEY_PREFIX: uniqueContainer() };
      const first = await start({ ...CRON_AT_START, ...shared });
      const second = await start({ ...CRON_AT_START, ...shared });
      await waitFor('the users sync at start', () => usersStored(first));
      const done = await waitFor('the sync job to complete', async () => {
        const jobs = await syncJobs(first, 'completed');
        return jobs.length > 0 && jobs;
      });

      const answer = await getUsers(second);

      expect(answer.status).toBe(200);
      expect(answer.headers['x-cache']).toBe('HIT');
      expect(answer.json<{ Result: unknown }>().Result).toEqual(sim.users());
      expect(done.map((job) => job.id)).toEqual([expect.stringMatching(/^users:boot-/)]);
    });
  });

  describe('GET /api/dr-schedule/users', () => {
    it('should store what a miss fetched and answer the next call from storage', async () => {
      const app = await start({});

      const miss = await getUsers(app);
      const hit = await getUsers(app);

      expect([miss.status, miss.headers['x-cache']]).toEqual([200, 'MISS']);
      expect([hit.status, hit.headers['x-cache']]).toEqual([200, 'HIT']);
      expect(hit.text()).toBe(miss.text());
      expect(hit.json<{ Result: unknown }>().Result).toEqual(sim.users());
    });
  });

  describe('POST /api/admin/users/sync', () => {
    it('should answer 202 with the job id and store the directory', async () => {
      const app = await start({});

      const answer = await postSync(app);

      expect(answer.status).toBe(202);
      const { jobId } = answer.json<{ jobId: string }>();
      expect(jobId).toMatch(/^users:manual-\d{4}-\d\d-\d\dT[\d:.]+Z-[0-9a-f]{6}$/);
      const done = await waitFor('the sync job to complete', async () => {
        const jobs = await syncJobs(app, 'completed');
        return jobs.length > 0 && jobs;
      });
      expect(done.map((job) => job.id)).toEqual([jobId]);
      expect((await getUsers(app)).headers['x-cache']).toBe('HIT');
    });

    it('should keep the stored directory when the legacy API fails', async () => {
      const good = await start({});
      expect((await postSync(good)).status).toBe(202);
      const etag = await waitFor('the users sync', () => usersStored(good));
      const failing = await start({
        UPSTREAM_BASE_URL: 'http://127.0.0.1:9',
        BLOB_CONTAINER: good.config.blob.container,
        PREGEN_ATTEMPTS: '1',
      });

      const answer = await postSync(failing);
      const failed = await waitFor('the sync job to fail', async () => {
        const jobs = await syncJobs(failing, 'failed');
        return jobs.length > 0 && jobs;
      });

      expect(answer.status).toBe(202);
      expect(failed.map((job) => job.id)).toEqual([answer.json<{ jobId: string }>().jobId]);
      expect(await usersStored(failing)).toBe(etag);
      const served = await getUsers(failing);
      expect(served.headers['x-cache']).toBe('HIT');
      expect(served.json<{ Result: unknown }>().Result).toEqual(sim.users());
    });

    it('should answer 503 with Retry-After while Redis is down', async () => {
      const redis = await startRedis();
      const app = await start({
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        // Shutdown would wait this long for the queue's lost Redis connections.
        SHUTDOWN_GRACE_MS: '200',
      });
      await redis.stop();

      const answer = await postSync(app);
      // Back before the app closes: shutdown without Redis is covered by redis-outage.e2e-spec.
      redisServers.push(await startRedis(redis.port));

      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.json()).toEqual({ message: 'enqueue users sync: Redis is unavailable' });
    });

    it('should refuse a caller without the admin credential', async () => {
      const app = await start({});

      const answer = await postSync(app, 'wrong-token-wrong-token');

      expect([answer.status, answer.json()]).toEqual([401, { message: AuthMessages.invalid }]);
    });
  });
});
