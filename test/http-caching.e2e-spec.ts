import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { MetricNames } from '../src/metrics/metric-names';
import { MetricsService } from '../src/metrics/metrics.service';
import { ScheduleDate } from '../src/domain/schedule-key';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { HttpAnswer } from './support/http';
import { getSchedule, jobsOf } from './support/schedule-api';
import { startTestApp, TestApp, uniqueContainer } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { waitFor } from './support/wait';
import { companyWithJobs } from './support/sim-schedules';

/** GET /api/dr-schedule on `app` as the static admin, with `headers` besides. */
const get = (app: TestApp, date: string, companyId: number, headers: Record<string, string> = {}) =>
  getSchedule(app.url, { date, companyId }, { ...AS_ADMIN, headers });

describe('HTTP caching of GET /api/dr-schedule', () => {
  let sim: UpstreamSim;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 12, latencyMs: { min: 200, max: 300 } });
    // Two replicas: one Redis prefix, one container.
    const shared = { UPSTREAM_BASE_URL: sim.url, REDIS_KEY_PREFIX: uniqueContainer() };
    const container = uniqueContainer();
    a = await startTestApp({ ...shared, BLOB_CONTAINER: container });
    b = await startTestApp({ ...shared, BLOB_CONTAINER: container });
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await sim.close();
  });

  /** A miss on `app`, stored: the answer that follows, a hit. */
  async function storedOn(app: TestApp, companyId: number, date: string): Promise<HttpAnswer> {
    await get(app, date, companyId);
    await a.app.get(ScheduleRefreshService).drain();
    await b.app.get(ScheduleRefreshService).drain();
    return get(app, date, companyId);
  }

  it('should answer 304 without a body to a matching If-None-Match, with the same validators', async () => {
    const date = '2026-03-02';
    const companyId = companyWithJobs(sim, date);
    const hit = await storedOn(a, companyId, date);

    const conditional = await get(a, date, companyId, {
      'if-none-match': String(hit.headers.etag),
    });
    const changed = await get(a, date, companyId, { 'if-none-match': '"other"' });

    expect([hit.status, hit.headers['x-cache']]).toEqual([200, 'HIT']);
    expect(hit.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(hit.headers['cache-control']).toBe('private, max-age=3600');
    expect(hit.headers.vary).toBe('Accept-Encoding, Authorization');
    expect(hit.headers.age).toMatch(/^\d+$/);
    const lastModified = String(hit.headers['last-modified']);
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);
    expect(conditional.status).toBe(304);
    expect(conditional.body.length).toBe(0);
    expect(conditional.headers.etag).toBe(hit.headers.etag);
    expect(changed.status).toBe(200);
    expect(changed.body.equals(hit.body)).toBe(true);
    const registry = a.app.get(MetricsService).registry;
    const value = async (name: string) =>
      (await registry.getSingleMetric(name)!.get()).values[0].value;
    expect(await value(MetricNames.notModified)).toBe(1);
    expect(await value(MetricNames.memoryCacheBytes)).toBeGreaterThan(hit.body.length);
  });

  it('should give the same ETag for the same document on every replica', async () => {
    const date = '2026-03-03';
    const companyId = companyWithJobs(sim, date);

    const fromA = await storedOn(a, companyId, date);
    const fromB = await storedOn(b, companyId, date);

    expect([fromA.headers['x-cache'], fromB.headers['x-cache']]).toEqual(['HIT', 'HIT']);
    expect(fromB.headers.etag).toBe(fromA.headers.etag);
    expect(fromB.body.equals(fromA.body)).toBe(true);
  });

  it.each([
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ])('should send %s bytes that decompress to the identity body', async (coding, decompress) => {
    const date = '2026-03-04';
    const companyId = companyWithJobs(sim, date);
    const identity = await storedOn(a, companyId, date);
    const encoded = { 'accept-encoding': coding };

    const first = await get(a, date, companyId, encoded);
    const second = await get(a, date, companyId, encoded);
    const notModified = await get(a, date, companyId, {
      ...encoded,
      'if-none-match': String(first.headers.etag),
    });

    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(first.headers['content-encoding']).toBe(coding);
    expect(first.headers.etag).toBe(`${String(identity.headers.etag).slice(0, -1)}-${coding}"`);
    expect(decompress(first.body).equals(identity.body)).toBe(true);
    expect(first.body.length).toBeLessThan(identity.body.length);
    expect(second.body.equals(first.body)).toBe(true);
    expect(notModified.status).toBe(304);
  });

  it("should drop the other replica's cached copy when one replica refreshes the date", async () => {
    const date = '2026-03-05';
    const companyId = companyWithJobs(sim, date);
    const before = await storedOn(b, companyId, date);
    const jobsBefore = sim.jobsFor(date, companyId);

    sim.cancelJobs(companyId, date);
    await a.app.get(ScheduleRefreshService).refresh(date as ScheduleDate);

    const after = await waitFor('replica b to serve the refreshed document', async () => {
      const answer = await get(b, date, companyId);
      return answer.body.equals(before.body) ? undefined : answer;
    });
    expect(jobsOf(before)).toEqual(jobsBefore);
    expect(jobsOf(after)).toEqual([]);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it.each([1, 10, 100])(
    'should make exactly one upstream call for %i concurrent misses spread over two replicas',
    async (n) => {
      const date = `2026-04-${String(n % 28).padStart(2, '0')}`;
      const companies = sim.companyIds();

      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          get(i % 2 ? b : a, date, companies[i % companies.length]),
        ),
      );

      expect(sim.calls(date)).toBe(1);
      for (const [i, answer] of answers.entries()) {
        expect(answer.status).toBe(200);
        expect(jobsOf(answer)).toEqual(sim.jobsFor(date, companies[i % companies.length]));
      }
    },
  );
});

describe('Stale-while-revalidate', () => {
  let sim: UpstreamSim;
  let app: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 6, latencyMs: { min: 20, max: 40 } });
    app = await startTestApp({ UPSTREAM_BASE_URL: sim.url, CACHE_MAX_AGE: '1' });
  });

  afterAll(async () => {
    await app?.close();
    await sim.close();
  });

  beforeEach(() => sim.reset());

  // An unchanged document is not rewritten: the date's manifest records each refresh.
  const refreshedAt = async (date: string) =>
    (await app.app.get(ScheduleRefreshService).readManifest(date as ScheduleDate))?.generatedAt;

  /** Stores the date's document, then waits out CACHE_MAX_AGE: the answer that follows is STALE. */
  async function storeAndAge(date: string, companyId: number): Promise<void> {
    await get(app, date, companyId);
    await app.app.get(ScheduleRefreshService).drain();
    const storedAt = Date.parse((await refreshedAt(date))!);
    await new Promise((resolve) => setTimeout(resolve, storedAt + 2_000 - Date.now()));
  }

  it('should serve STALE at once and run one background refresh for many stale requests', async () => {
    const date = '2026-03-09';
    const companyId = companyWithJobs(sim, date);
    await storeAndAge(date, companyId);
    const firstRefresh = await refreshedAt(date);
    // Long enough for every request below to arrive while the refresh is still running.
    sim.setLatency(2_000, 2_000);

    const answers = await Promise.all(Array.from({ length: 20 }, () => get(app, date, companyId)));
    await waitFor('the background refresh to store', async () => {
      return (await refreshedAt(date)) !== firstRefresh;
    });

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(answers.map((answer) => answer.headers['x-cache'])).toEqual(Array(20).fill('STALE'));
    expect(jobsOf(answers[0])).toEqual(sim.jobsFor(date, companyId));
    expect(sim.calls(date)).toBe(2);
  });

  it('should keep answering stored documents with 200 while the upstream fails every call', async () => {
    const date = '2026-03-10';
    const companyId = companyWithJobs(sim, date);
    await storeAndAge(date, companyId);
    sim.setFault('http-500');

    const answers = await Promise.all(Array.from({ length: 20 }, () => get(app, date, companyId)));

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(answers.map((answer) => answer.headers['x-cache'])).toEqual(Array(20).fill('STALE'));
    for (const answer of answers) {
      expect(jobsOf(answer)).toEqual(sim.jobsFor(date, companyId));
    }
  });
});
