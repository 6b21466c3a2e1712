import { Redis } from 'ioredis';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { startRedis } from './support/services';
import { HttpRequest, request } from './support/http';
import { scheduleUrl } from './support/schedule-api';
import { ADMIN_TOKEN, startTestApp, TestApp, uniqueContainer } from './support/test-app';
import { AS_ADMIN, testToken } from './support/tokens';

/** A schedule request refused before any work: 401 without a token, 400 with one. */
const invalid = (app: TestApp) => scheduleUrl(app.url, { date: '2025-12-03', companyId: 'x' });

const times = (count: number, status: number): number[] => Array<number>(count).fill(status);

/** The statuses of `count` requests in a row; `init` may vary with the request's index. */
async function statuses(
  url: string,
  count: number,
  init: HttpRequest | ((i: number) => HttpRequest) = {},
) {
  const answers: number[] = [];
  for (let i = 0; i < count; i++) {
    answers.push((await request(url, typeof init === 'function' ? init(i) : init)).status);
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
    // The failed-auth budget at its default; the other limits as each test sets them.
    const app = await startTestApp({
      UPSTREAM_BASE_URL: sim.url,
      FAILED_AUTH_PER_MINUTE: '20',
      ...env,
    });
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

  it('should count a valid credential by its principal, however it is spelled', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '40' });
    const office = await testToken({ role: 'office', serviceCompanyId: 1 }, { subject: 'a' });
    const spelling = (i: number) => ({
      headers: {
        authorization: `${i % 2 ? 'Bearer' : 'bearer'}${' '.repeat(1 + (i % 28))}${office}`,
      },
    });

    const answers = await statuses(invalid(app), 55, spelling);
    const otherOffice = await testToken({ role: 'office', serviceCompanyId: 2 }, { subject: 'b' });

    expect(answers).toEqual([...times(40, 400), ...times(15, 429)]);
    expect(await statuses(invalid(app), 1, { token: otherOffice })).toEqual([400]);
  });

  it('should limit failed authentications by address, however the credential varies', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '40' });

    const answers = await statuses(invalid(app), 55, (i) => ({ token: `junk-${i}` }));

    expect(answers).toEqual([...times(20, 401), ...times(35, 429)]);
    expect(
      await metric(app, /^schedule_cache_throttled_requests_total{limit="failed-auth"} (\d+)$/m),
    ).toBe(35);
    expect(await statuses(invalid(app), 1, { token: await testToken({ role: 'admin' }) })).toEqual([
      400,
    ]);
  });

  it('should limit guesses of the admin token on /api/admin/*', async () => {
    const app = await start({ ADMIN_RATE_LIMIT_PER_MINUTE: '8' });

    const answers = await statuses(`${app.url}/api/admin/jobs`, 18, (i) => ({
      token: `guess-${i}`,
    }));

    expect(answers).toEqual([...times(8, 401), ...times(10, 429)]);
    expect(await statuses(`${app.url}/api/admin/jobs`, 1, AS_ADMIN)).toEqual([200]);
  });

  it('should limit Basic password guesses on the queue UI', async () => {
    const app = await start({});
    const basic = (password: string) => ({
      headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
    });

    const answers = await statuses(`${app.url}/admin/queues`, 25, (i) => basic(`guess-${i}`));

    expect(answers).toEqual([...times(20, 401), ...times(5, 429)]);
    expect((await request(`${app.url}/admin/queues`, basic(ADMIN_TOKEN))).status).toBe(200);
  });

  it('should count failed authentications by the forwarded address only behind a trusted proxy', async () => {
    const from = (address: string) => ({ token: 'junk', headers: { 'x-forwarded-for': address } });
    const direct = await start({ FAILED_AUTH_PER_MINUTE: '2' });
    const proxied = await start({ FAILED_AUTH_PER_MINUTE: '2', TRUST_PROXY: '1' });

    expect(await statuses(invalid(direct), 2, from('10.0.0.1'))).toEqual([401, 401]);
    expect(await statuses(invalid(direct), 1, from('10.0.0.2'))).toEqual([429]);
    expect(await statuses(invalid(proxied), 3, from('10.0.0.1'))).toEqual([401, 401, 429]);
    expect(await statuses(invalid(proxied), 1, from('10.0.0.2'))).toEqual([401]);
  });

  it('should never limit probes, metrics or docs', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '2', FAILED_AUTH_PER_MINUTE: '2' });

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

  it('should keep one counter per principal or address under REDIS_KEY_PREFIX, never a credential', async () => {
    const prefix = uniqueContainer();
    const app = await start({ REDIS_KEY_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '5' });
    const redis = new Redis(app.config.redis.url);
    try {
      await request(invalid(app), AS_ADMIN);
      for (let i = 0; i < 10; i++) {
        await request(invalid(app), { token: `junk-${i}` });
      }

      const keys = await redis.keys(`*${prefix}*`);
      const rateKeys = keys.filter((key) => key.includes('rate-limit')).sort();
      expect(rateKeys).toEqual([
        `${prefix}:rate-limit:api:ip:127.0.0.1`,
        `${prefix}:rate-limit:api:user:admin:admin-api-token`,
        `${prefix}:rate-limit:failed-auth:ip:127.0.0.1`,
      ]);
      expect(keys.filter((key) => key.includes(ADMIN_TOKEN) || key.includes('junk'))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('should serve without limits, counting the failures, while Redis is down', async () => {
    const redis = await startRedis();
    const app = await start({
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      FAILED_AUTH_PER_MINUTE: '1',
      // Shutdown would wait this long for the queue's lost Redis connections.
      SHUTDOWN_GRACE_MS: '200',
    });
    expect(await statuses(invalid(app), 2)).toEqual([401, 429]);

    await redis.stop();

    expect(await statuses(invalid(app), 3)).toEqual([401, 401, 401]);
    expect(await metric(app, /^schedule_cache_rate_limit_errors_total (\d+)$/m)).toBe(3);
  });
});
