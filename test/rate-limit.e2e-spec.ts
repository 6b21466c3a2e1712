import { Redis } from 'ioredis';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { startRedis } from './support/services';
import { HttpRequest, request } from './support/http';
import { scheduleUrl } from './support/schedule-api';
import { ADMIN_TOKEN, startTestApp, TestApp, uniqueContainer } from './support/test-app';
import { AS_ADMIN } from './support/tokens';

/** A schedule request refused before any work: 401 without a token, 400 with one. */
const invalid = (app: TestApp) => scheduleUrl(app.url, { date: '2025-12-03', companyId: 'x' });

/** The statuses of `count` requests in a row. */
async function statuses(url: string, count: number, init: HttpRequest = {}) {
  const answers: number[] = [];
  for (let i = 0; i < count; i++) {
    answers.push((await request(url, init)).status);
  }
  return answers;
}

const metric = async (app: TestApp, line: RegExp): Promise<number> => {
  const text = (await request(`${app.url}/metrics`)).text();
  return Number(line.exec(text)?.[1] ?? NaN);
};

describe('Rate limits', () => {
  let sim: UpstreamSim;
  const apps: TestApp[] = [];

  const start = async (env: Record<string, string>): Promise<TestApp> => {
    const app = await startTestApp({ UPSTREAM_BASE_URL: sim.url, ...env });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 2, latencyMs: { min: 1, max: 2 } });
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await sim.close();
  });

  it('should share one budget per client across two instances and answer 429 as JSON', async () => {
    const shared = { REDIS_KEY_PREFIX: uniqueContainer(), RATE_LIMIT_PER_MINUTE: '4' };
    const [a, b] = [await start(shared), await start(shared)];

    const first = [...(await statuses(invalid(a), 2)), ...(await statuses(invalid(b), 2))];
    const refused = await request(invalid(b));
    const onA = await request(invalid(a));

    expect(first).toEqual([401, 401, 401, 401]);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toBe('application/json; charset=utf-8');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({
      message: `Too many requests: at most 4 a minute; retry after ${retryAfter} s`,
    });
    expect(onA.status).toBe(429);
    expect(await metric(b, /^schedule_cache_throttled_requests_total{limit="api"} (\d+)$/m)).toBe(
      1,
    );
  });

  it('should give each credential its own budget and never limit probes, metrics or docs', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '2' });

    expect(await statuses(invalid(app), 3)).toEqual([401, 401, 429]);
    expect(await statuses(invalid(app), 2, { token: 'client-a' })).toEqual([401, 401]);
    expect(await statuses(invalid(app), 1, { token: 'client-b' })).toEqual([401]);
    for (const path of ['/health/live', '/health/ready', '/health', '/metrics', '/docs-json']) {
      expect([path, ...(await statuses(app.url + path, 3))]).toEqual([path, 200, 200, 200]);
    }
  });

  it('should limit /api/admin/* lower than the rest of /api', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '10', ADMIN_RATE_LIMIT_PER_MINUTE: '2' });

    expect(await statuses(`${app.url}/api/admin/jobs`, 3, AS_ADMIN)).toEqual([200, 200, 429]);
    expect(await statuses(invalid(app), 1, AS_ADMIN)).toEqual([400]);
    expect(
      await metric(app, /^schedule_cache_throttled_requests_total{limit="admin"} (\d+)$/m),
    ).toBe(1);
  });

  it('should keep its counters under REDIS_KEY_PREFIX and never store a credential', async () => {
    const prefix = uniqueContainer();
    const app = await start({ REDIS_KEY_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '5' });
    const redis = new Redis(app.config.redis.url);
    try {
      await request(invalid(app), AS_ADMIN);
      await request(invalid(app));

      const keys = await redis.keys(`*${prefix}*`);
      const rateKeys = keys.filter((key) => key.includes('rate-limit'));
      // One counter per client: the admin credential, and the anonymous address.
      expect(rateKeys).toHaveLength(2);
      expect(rateKeys.every((key) => key.startsWith(`${prefix}:rate-limit:api:`))).toBe(true);
      expect(keys.filter((key) => key.includes(ADMIN_TOKEN))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('should serve without limits, counting the failures, while Redis is down', async () => {
    const redis = await startRedis();
    const app = await start({
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      RATE_LIMIT_PER_MINUTE: '1',
      // Shutdown would wait this long for the queue's lost Redis connections.
      SHUTDOWN_GRACE_MS: '200',
    });
    expect(await statuses(invalid(app), 2)).toEqual([401, 429]);

    await redis.stop();

    expect(await statuses(invalid(app), 3)).toEqual([401, 401, 401]);
    expect(await metric(app, /^schedule_cache_rate_limit_errors_total (\d+)$/m)).toBe(3);
  });
});
