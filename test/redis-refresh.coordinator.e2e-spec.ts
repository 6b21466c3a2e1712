import { Redis } from 'ioredis';
import {
  LEASE_TTL_MS,
  RedisRefreshCoordinator,
} from '../src/coordination/redis-refresh.coordinator';
import { RefreshOutcome } from '../src/coordination/refresh-coordinator';
import { RedisClientService } from '../src/redis/redis-client.service';
import { DateRefreshResult } from '../src/domain/refresh-result';
import { ScheduleDate } from '../src/domain/schedule-key';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { getSchedule, jobsOf } from './support/schedule-api';
import { ServiceProcess, serviceEnv, startServiceProcess } from './support/service-process';
import { standaloneConfig } from './support/standalone-config';
import { uniqueContainer } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { waitFor } from './support/wait';

const DATE = '2026-05-01' as ScheduleDate;
// The goal: a dead lease holder costs its waiters at most this, plus one upstream call.
const TAKEOVER_BOUND_MS = 5_000;

function outcome(finishedAt = Date.now()): RefreshOutcome {
  const result = { date: DATE, companies: 3, written: 3 } as unknown as DateRefreshResult;
  return { date: DATE, finishedAt, result };
}

describe(RedisRefreshCoordinator.name, () => {
  const redisUrl = process.env.TEST_REDIS_URL ?? '';
  let prefix: string;
  let clients: RedisClientService[];
  let replicas: RedisRefreshCoordinator[];
  let redis: Redis;

  beforeEach(() => {
    prefix = uniqueContainer();
    const config = standaloneConfig({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix });
    clients = [new RedisClientService(config), new RedisClientService(config)];
    replicas = clients.map((client) => new RedisRefreshCoordinator(client));
    redis = new Redis(redisUrl);
  });

  afterEach(() => {
    replicas.forEach((replica) => replica.onApplicationShutdown());
    clients.forEach((client) => client.onApplicationShutdown());
    redis.disconnect();
  });

  it("should hand the holder's outcome to a waiting replica and tell every listener", async () => {
    const [a, b] = replicas;
    const heardByB: RefreshOutcome[] = [];
    b.onOutcome((heard) => heardByB.push(heard));
    const first = await a.claim(DATE, Date.now());
    expect(first.kind).toBe('lease');

    const waiting = b.claim(DATE, Date.now());
    const published = outcome();
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (first.kind === 'lease') {
      await first.lease.release(published);
    }

    expect(await waiting).toEqual({ kind: 'outcome', outcome: published });
    expect(heardByB).toEqual([published]);
    expect(await redis.exists(`${prefix}:refresh-lock:${DATE}`)).toBe(0);
  });

  it('should reuse an outcome that finished after `since`, and lease again for a later `since`', async () => {
    const [a, b] = replicas;
    const first = await a.claim(DATE, Date.now());
    const published = outcome();
    if (first.kind === 'lease') {
      await first.lease.release(published);
    }

    const reused = await b.claim(DATE, published.finishedAt - 1_000);
    const fresh = await b.claim(DATE, published.finishedAt + 1);

    expect(reused).toEqual({ kind: 'outcome', outcome: published });
    expect(fresh.kind).toBe('lease');
  });

  it('should take over when the holder vanished without an outcome', async () => {
    // A holder that died: its lease expires and nobody publishes.
    await redis.set(`${prefix}:refresh-lock:${DATE}`, 'dead-holder', 'PX', 400);

    const claim = await replicas[1].claim(DATE, Date.now());

    expect(claim.kind).toBe('lease');
    expect(await redis.get(`${prefix}:refresh-lock:${DATE}`)).not.toBe('dead-holder');
  });
});

describe('A replica killed while it holds a date lease', () => {
  let sim: UpstreamSim;
  let replicas: ServiceProcess[] = [];
  let redis: Redis;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 3_000, max: 3_000 } });
    redis = new Redis(process.env.TEST_REDIS_URL ?? '');
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.kill()));
    redis.disconnect();
    await sim.close();
  });

  it("should let a waiting replica take over the dead holder's refresh with one more upstream call", async () => {
    const env = serviceEnv({ UPSTREAM_BASE_URL: sim.url, LOG_LEVEL: 'warn' });
    const [holder, waiter] = (replicas = [
      await startServiceProcess(env),
      await startServiceProcess(env),
    ]);
    const query = { date: DATE, companyId: sim.companyIds()[0] };
    // The holder's client loses its connection when the holder dies.
    void getSchedule(holder.url, query, AS_ADMIN).catch(() => undefined);
    await waitFor('the holder to call the upstream', () => sim.calls(DATE) === 1);
    const leaseTtl = await redis.pttl(`${env.REDIS_KEY_PREFIX}:refresh-lock:${DATE}`);

    const waiting = getSchedule(waiter.url, query, AS_ADMIN);
    holder.child.kill('SIGKILL');
    await holder.exited;
    const answer = await waiting;

    expect(leaseTtl).toBeGreaterThan(0);
    expect(leaseTtl).toBeLessThanOrEqual(LEASE_TTL_MS);
    expect(LEASE_TTL_MS).toBeLessThan(TAKEOVER_BOUND_MS);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-cache']).toBe('MISS');
    expect(jobsOf(answer)).toEqual(sim.jobsFor(DATE, query.companyId));
    expect(sim.calls(DATE)).toBe(2);
  });
});
