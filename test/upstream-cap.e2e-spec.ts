import { Redis } from 'ioredis';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { RedisUpstreamSlots } from '../src/coordination/redis-upstream-slots';
import { RedisClientService } from '../src/redis/redis-client.service';
import { listJobs, runPregen } from './support/admin-api';
import { request } from './support/http';
import { getSchedule } from './support/schedule-api';
import { ServiceProcess, serviceEnv, startServiceProcess } from './support/service-process';
import { standaloneConfig } from './support/standalone-config';
import { startTestApp, TestApp, uniqueContainer } from './support/test-app';
import { AS_ADMIN } from './support/tokens';

const REFUSAL_METRIC = 'schedule_cache_upstream_refusals_total';

async function refusals(base: string): Promise<number> {
  const text = (await request(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${REFUSAL_METRIC} `));
  return Number(line?.slice(REFUSAL_METRIC.length + 1));
}

describe(RedisUpstreamSlots.name, () => {
  const redisUrl = process.env.TEST_REDIS_URL ?? '';
  let key: string;
  let clients: RedisClientService[];
  let replicas: RedisUpstreamSlots[];
  let redis: Redis;

  beforeEach(async () => {
    const prefix = uniqueContainer();
    key = `${prefix}:upstream-slots`;
    const config = standaloneConfig({
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      UPSTREAM_MAX_IN_FLIGHT: '2',
      UPSTREAM_MAX_IN_FLIGHT_TOTAL: '3',
    });
    clients = [new RedisClientService(config), new RedisClientService(config)];
    replicas = clients.map((client) => new RedisUpstreamSlots(client, config));
    redis = new Redis(redisUrl);
    // Connected, as an application is once it serves.
    await Promise.all(clients.map((client) => client.client('commands').ping()));
  });

  afterEach(() => {
    replicas.forEach((replica) => replica.onApplicationShutdown());
    clients.forEach((client) => client.onApplicationShutdown());
    redis.disconnect();
  });

  it('should grant UPSTREAM_MAX_IN_FLIGHT per replica and UPSTREAM_MAX_IN_FLIGHT_TOTAL in all', async () => {
    const [a, b] = replicas;

    const fromA = await Promise.all([a.acquire(0), a.acquire(0), a.acquire(0)]);
    const fromB = await Promise.all([b.acquire(0), b.acquire(0)]);
    const heldInRedis = await redis.zcard(key);
    fromA[0]?.release();
    const afterRelease = await b.acquire(5_000);

    expect(fromA.map((slot) => slot !== null)).toEqual([true, true, false]);
    expect(fromB.map((slot) => slot !== null)).toEqual([true, false]);
    expect(heldInRedis).toBe(3);
    expect(afterRelease).not.toBeNull();
    expect(await redis.zcard(key)).toBe(3);
  });

  it("should give a dead replica's slots back once they expire", async () => {
    // A replica that died holding every slot: nobody renews or releases them.
    const [seconds, micros] = await redis.time();
    const expiry = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) + 500;
    await redis.zadd(key, expiry, 'dead-1', expiry, 'dead-2', expiry, 'dead-3');

    const refused = await replicas[0].acquire(0);
    const granted = await replicas[0].acquire(10_000);

    expect(refused).toBeNull();
    expect(granted).not.toBeNull();
    expect(await redis.zcard(key)).toBe(1);
  });
});

describe('Upstream calls in flight across two replicas', () => {
  let sim: UpstreamSim;
  let replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 4_000, max: 4_000 } });
    const env = serviceEnv({
      UPSTREAM_BASE_URL: sim.url,
      UPSTREAM_MAX_IN_FLIGHT: '2',
      UPSTREAM_MAX_IN_FLIGHT_TOTAL: '3',
      UPSTREAM_QUEUE_TIMEOUT_MS: '500',
      LOG_LEVEL: 'error',
    });
    replicas = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.kill()));
    await sim.close();
  });

  it('should let 3 of 8 cold dates call the upstream and answer the others 503 with Retry-After', async () => {
    const dates = Array.from({ length: 8 }, (_, i) => `2026-08-0${i + 1}`);
    const companyId = sim.companyIds()[0];

    const answers = await Promise.all(
      dates.map((date, i) => getSchedule(replicas[i % 2].url, { date, companyId }, AS_ADMIN)),
    );

    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 503, 503, 503, 503, 503]);
    expect(sim.calls()).toBe(3);
    for (const refused of answers.filter((answer) => answer.status === 503)) {
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(refused.json()).toEqual({
        message:
          'Schedule service unavailable: too many calls to the legacy schedule API are waiting, try again later',
      });
    }
    const counted = await Promise.all(replicas.map((replica) => refusals(replica.url)));
    expect(counted[0] + counted[1]).toBe(5);
  });
});

describe('Pre-generation under the upstream cap', () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 1_000, max: 1_000 } });
    stack = await startTestApp({
      UPSTREAM_BASE_URL: sim.url,
      UPSTREAM_MAX_IN_FLIGHT_TOTAL: '1',
      UPSTREAM_QUEUE_TIMEOUT_MS: '100',
      PREGEN_ATTEMPTS: '1',
    });
  });

  afterAll(async () => {
    await stack.close();
    await sim.close();
  });

  it('should wait for slots rather than fail, one upstream call per date', async () => {
    const dates = ['2026-09-01', '2026-09-02', '2026-09-03'];

    const jobs = await runPregen(stack.url, dates);

    expect(jobs.map((job) => job.date).sort()).toEqual(dates);
    expect(await listJobs(stack.url, 'failed')).toEqual([]);
    expect(dates.map((date) => sim.calls(date))).toEqual([1, 1, 1]);
    expect(await refusals(stack.url)).toBeGreaterThan(0);
  });
});
