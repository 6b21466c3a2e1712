import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { completedJobs, EnqueuedCycle, listJobs, postPregen } from './support/admin-api';
import { HttpAnswer, request } from './support/http';
import { ServiceProcess, serviceEnv, startServiceProcess } from './support/service-process';
import { RunningService, startRedis } from './support/services';
import { refreshedBlobNames } from './support/sim-schedules';
import { ADMIN_TOKEN, blobNames } from './support/test-app';
import { waitFor } from './support/wait';

const DATES = ['2026-05-04', '2026-05-05', '2026-05-06'];
const [DATE, OTHER_DATE] = DATES;
const STILL_RUNNING = 'Shutting down with jobs still running';

describe('Redis outages', () => {
  let sim: UpstreamSim;
  let redis: RunningService;
  let env: Record<string, string>;
  let service: ServiceProcess;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 1500, max: 1500 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  /** A reset sim and a Redis of its own, never the suite's: the tests stop and restart it. */
  const setUp = async (): Promise<void> => {
    sim.reset();
    redis = await startRedis();
    env = serviceEnv({
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      UPSTREAM_BASE_URL: sim.url,
      LOG_LEVEL: 'info',
    });
  };

  const tearDown = async (): Promise<void> => {
    await service?.kill();
    await redis.stop();
  };

  /** Stops Redis and waits until the service has seen its connections fail. */
  const stopRedis = async (): Promise<void> => {
    await redis.stop();
    await waitFor('the service to lose Redis', () => service.output().includes('ECONNREFUSED'));
  };

  const restartRedisEmpty = async (): Promise<void> => {
    await redis.stop();
    redis = await startRedis(redis.port);
  };

  /** POSTs the trigger until the service, reconnected, accepts it. */
  const triggerOnceAccepted = async (dates: string[]): Promise<EnqueuedCycle> => {
    const accepted = await waitFor('a trigger to be accepted', async () => {
      const answer = await postPregen(service.url, dates);
      return answer.status === 202 && answer;
    });
    return accepted.json<EnqueuedCycle>();
  };

  describe('SIGTERM', () => {
    beforeEach(setUp);
    afterEach(tearDown);

    it('should exit 0 without waiting for Redis when idle', async () => {
      service = await startServiceProcess(env);
      await stopRedis();

      service.child.kill('SIGTERM');
      const code = await service.exited;

      expect(code).toBe(0);
      expect(service.output()).toContain('Redis unavailable at shutdown');
      expect(service.output()).not.toContain(STILL_RUNNING);
      expect(service.output()).not.toContain('Connection is closed');
    });

    it('should finish its running job without Redis, then exit 0', async () => {
      service = await startServiceProcess(env);
      const trigger = await postPregen(service.url, [DATE]);
      await waitFor('the job to call the upstream', () => sim.calls(DATE) === 1);
      await stopRedis();

      service.child.kill('SIGTERM');
      const code = await service.exited;

      expect(code).toBe(0);
      expect(service.output()).toContain('Redis unavailable at shutdown');
      expect(service.output()).toContain('"msg":"refresh job finished"');
      expect(service.output()).toContain(`"jobId":"${trigger.json<EnqueuedCycle>().jobs[0].id}"`);
      expect(service.output()).not.toContain(STILL_RUNNING);
      expect(await blobNames(blobContainer(env))).toEqual(refreshedBlobNames(sim, DATE));
      expect(sim.calls(DATE)).toBe(1);
    });
  });

  describe('POST /api/admin/pregen', () => {
    beforeEach(setUp);
    afterEach(tearDown);

    it('should answer 503 while Redis is down and never run the refused trigger', async () => {
      service = await startServiceProcess(env);
      await redis.stop();

      const refused = await postPregen(service.url, [DATE]);
      redis = await startRedis(redis.port);
      const cycle = await triggerOnceAccepted([OTHER_DATE]);
      await completedJobs(service.url, cycle);

      expectUnavailable(refused);
      expect(sim.calls(DATE)).toBe(0);
      expect(sim.calls(OTHER_DATE)).toBe(1);
      expect((await listJobs(service.url)).map((job) => job.id)).toEqual([cycle.jobs[0].id]);
    });

    it('should answer 503 while Redis hangs and never run the refused trigger after it resumes', async () => {
      service = await startServiceProcess(env);
      // Stopped, not dead: connections stay open and commands wait in its socket buffers.
      process.kill(redis.pid, 'SIGSTOP');
      let refused: HttpAnswer;
      try {
        refused = await postPregen(service.url, [DATE]);
      } finally {
        process.kill(redis.pid, 'SIGCONT');
      }
      const cycle = await triggerOnceAccepted([OTHER_DATE]);
      await completedJobs(service.url, cycle);

      expectUnavailable(refused);
      expect(sim.calls(DATE)).toBe(0);
      expect(sim.calls(OTHER_DATE)).toBe(1);
    });
  });

  describe('admin routes that need Redis', () => {
    // Each test only reads while Redis is down: one service and one outage serve them all.
    beforeAll(async () => {
      await setUp();
      service = await startServiceProcess(env);
      await redis.stop();
    });
    afterAll(tearDown);

    it.each([
      ['GET', '/api/admin/jobs'],
      ['GET', '/api/admin/jobs?state=failed'],
      ['POST', '/api/admin/jobs/refresh:2026-05-04:manual/retry'],
      ['GET', '/admin/queues/api/queues'],
    ])('should answer %s %s with 503 while Redis is down', async (method, path) => {
      const answer = await request(`${service.url}${path}`, { method, token: ADMIN_TOKEN });

      expectUnavailable(answer);
    });
  });

  describe('Redis restarted empty mid-cycle', () => {
    beforeEach(setUp);
    afterEach(tearDown);

    it('should complete the next cycle, running no trigger twice', async () => {
      service = await startServiceProcess({ ...env, PREGEN_CONCURRENCY: '1' });
      expect((await postPregen(service.url, DATES)).status).toBe(202);
      const running = await waitFor('the first job to call the upstream', () =>
        DATES.find((date) => sim.calls(date) === 1),
      );
      // Only the running call must be slow: the next cycle's calls may answer at once.
      sim.setLatency(10, 10);

      await restartRedisEmpty();
      const next = await triggerOnceAccepted(DATES);
      await completedJobs(service.url, next);

      // The running job's date twice (both cycles), the others once: the lost jobs never ran.
      expect(DATES.map((date) => sim.calls(date))).toEqual(
        DATES.map((date) => (date === running ? 2 : 1)),
      );
      expect((await listJobs(service.url)).map((job) => job.cycleId)).toEqual(
        DATES.map(() => next.cycleId),
      );
    });
  });
});

function expectUnavailable(answer: HttpAnswer): void {
  expect({ status: answer.status, body: answer.json() }).toEqual({
    status: 503,
    body: { message: expect.stringContaining('Redis') as string },
  });
  expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
}

function blobContainer(env: Record<string, string>) {
  return { connectionString: env.AZURE_STORAGE_CONNECTION_STRING, container: env.BLOB_CONTAINER };
}
