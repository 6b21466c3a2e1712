import { Redis } from 'ioredis';
import { RateLimitHook } from '../src/rate-limit/rate-limit.hook';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { startRedis } from './support/services';
import { ADMIN_TOKEN, startTestApp, TestApp, uniqueContainer } from './support/test-app';

const INVALID = '/api/dr-schedule?startDate=2025-12-03&endDate=2025-12-03&serviceCompanyId=x';

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { headers });
  const json = response.headers.get('content-type')?.startsWith('application/json');
  const body: unknown = json ? await response.json() : await response.text();
  return { status: response.status, headers: response.headers, body };
}

async function statuses(url: string, count: number, headers: Record<string, string> = {}) {
  const answers: number[] = [];
  for (let i = 0; i < count; i++) {
    answers.push((await call(url, headers)).status);
  }
  return answers;
}

const metric = async (app: TestApp, line: RegExp): Promise<number> => {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return Number(line.exec(text)?.[1] ?? NaN);
};

describe(RateLimitHook.name, () => {
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

    const first = [
      ...(await statuses(a.url + INVALID, 2)),
      ...(await statuses(b.url + INVALID, 2)),
    ];
    const refused = await call(b.url + INVALID);
    const onA = await call(a.url + INVALID);

    expect(first).toEqual([401, 401, 401, 401]);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.body).toEqual({
      message: expect.stringMatching(/^Too many requests: at most 4 a minute; retry after \d+ s$/),
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(onA.status).toBe(429);
    expect(await metric(b, /^schedule_cache_throttled_requests_total{limit="api"} (\d+)$/m)).toBe(
      1,
    );
  });

  it('should give each credential its own budget and never limit probes, metrics or docs', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '2' });

    expect(await statuses(app.url + INVALID, 3)).toEqual([401, 401, 429]);
    expect(await statuses(app.url + INVALID, 2, { authorization: 'Bearer client-a' })).toEqual([
      401, 401,
    ]);
    expect(await statuses(app.url + INVALID, 1, { authorization: 'Bearer client-b' })).toEqual([
      401,
    ]);
    for (const path of ['/health/live', '/health/ready', '/health', '/metrics', '/docs-json']) {
      expect([path, ...(await statuses(app.url + path, 3))]).toEqual([path, 200, 200, 200]);
    }
  });

  it('should limit /api/admin/* lower than the rest of /api', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '10', ADMIN_RATE_LIMIT_PER_MINUTE: '2' });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

    expect(await statuses(`${app.url}/api/admin/jobs`, 3, admin)).toEqual([200, 200, 429]);
    expect(await statuses(app.url + INVALID, 1, admin)).toEqual([400]);
    expect(
      await metric(app, /^schedule_cache_throttled_requests_total{limit="admin"} (\d+)$/m),
    ).toBe(1);
  });

  it('should keep its counters under REDIS_KEY_PREFIX and never store a credential', async () => {
    const prefix = uniqueContainer();
    const app = await start({ REDIS_KEY_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '5' });
    const redis = new Redis(app.config.redis.url);
    try {
      await call(app.url + INVALID, { authorization: `Bearer ${ADMIN_TOKEN}` });
      await call(app.url + INVALID);

      const keys = await redis.keys(`*${prefix}*`);
      const rateKeys = keys.filter((key) => key.includes('rate-limit'));
      expect(rateKeys.length).toBeGreaterThanOrEqual(2);
      expect(rateKeys.every((key) => key.startsWith(`${prefix}:rate-limit:`))).toBe(true);
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
    expect(await statuses(app.url + INVALID, 2)).toEqual([401, 429]);

    await redis.stop();

    expect(await statuses(app.url + INVALID, 3)).toEqual([401, 401, 401]);
    expect(await metric(app, /^schedule_cache_rate_limit_errors_total (\d+)$/m)).toBe(3);
  });
});
