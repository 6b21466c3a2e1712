import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { MetricNames } from '../src/metrics/metric-names';
import { MetricsService } from '../src/metrics/metrics.service';
import { ScheduleDate } from '../src/domain/schedule-key';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { ScheduleService } from '../src/schedule/schedule.service';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { RawAnswer, rawGet } from './support/raw-get';
import { startTestApp, TestApp, uniqueContainer } from './support/test-app';
import { ADMIN_HEADERS } from './support/tokens';
import { waitFor } from './support/wait';

/** As admin. */
function get(url: string, extra: Record<string, string> = {}): Promise<RawAnswer> {
  return rawGet(url, { ...ADMIN_HEADERS, ...extra });
}

const path = (companyId: number, date: string) =>
  `/api/dr-schedule?startDate=${date}&endDate=${date}&serviceCompanyId=${companyId}`;

describe(ScheduleService.name, () => {
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

  const companyWithJobs = (date: string) =>
    sim.companyIds().find((id) => sim.jobsFor(date, id).length > 0)!;

  /** A stored, cached document on replica `app`. */
  async function hitOn(app: TestApp, companyId: number, date: string): Promise<RawAnswer> {
    await get(app.url + path(companyId, date));
    await a.app.get(ScheduleRefreshService).drain();
    await b.app.get(ScheduleRefreshService).drain();
    const hit = await get(app.url + path(companyId, date));
    expect(hit.headers['x-cache']).toBe('HIT');
    return hit;
  }

  it('should answer 304 without a body to a matching If-None-Match, with the same validators', async () => {
    const date = '2026-03-02';
    const companyId = companyWithJobs(date);
    const hit = await hitOn(a, companyId, date);

    const conditional = await get(a.url + path(companyId, date), {
      'if-none-match': String(hit.headers.etag),
    });
    const changed = await get(a.url + path(companyId, date), { 'if-none-match': '"other"' });

    expect(hit.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(hit.headers['cache-control']).toBe('private, max-age=3600');
    expect(hit.headers.vary).toBe('Accept-Encoding, Authorization');
    expect(Number(hit.headers.age)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(String(hit.headers['last-modified']))).not.toBeNaN();
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
    const companyId = companyWithJobs(date);
    const fromA = await hitOn(a, companyId, date);
    const fromB = await hitOn(b, companyId, date);

    expect(fromB.headers.etag).toBe(fromA.headers.etag);
    expect(fromB.body.equals(fromA.body)).toBe(true);
  });

  it.each([
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ])('should send %s bytes that decompress to the identity body', async (coding, decompress) => {
    const date = '2026-03-04';
    const companyId = companyWithJobs(date);
    const identity = await hitOn(a, companyId, date);

    const first = await get(a.url + path(companyId, date), { 'accept-encoding': coding });
    const second = await get(a.url + path(companyId, date), { 'accept-encoding': coding });
    const notModified = await get(a.url + path(companyId, date), {
      'accept-encoding': coding,
      'if-none-match': String(first.headers.etag),
    });

    expect(first.headers['content-encoding']).toBe(coding);
    expect(first.headers.etag).not.toBe(identity.headers.etag);
    expect(decompress(first.body).equals(identity.body)).toBe(true);
    expect(first.body.length).toBeLessThan(identity.body.length);
    expect(second.body.equals(first.body)).toBe(true);
    expect(notModified.status).toBe(304);
  });

  it("should drop the other replica's cached copy when one replica refreshes the date", async () => {
    const date = '2026-03-05';
    const companyId = companyWithJobs(date);
    const before = await hitOn(b, companyId, date);

    sim.cancelJobs(companyId, date);
    await a.app.get(ScheduleRefreshService).refresh(date as ScheduleDate);

    const after = await waitFor('replica b to serve the refreshed document', async () => {
      const answer = await get(b.url + path(companyId, date));
      return answer.body.equals(before.body) ? undefined : answer;
    });
    expect(JSON.parse(after.body.toString()).Result).toEqual([]);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it.each([1, 10, 100])(
    'should make exactly one upstream call for %i concurrent misses spread over two replicas',
    async (n) => {
      const date = `2026-04-${String(n % 28).padStart(2, '0')}`;
      const companies = sim.companyIds();

      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          get((i % 2 ? b : a).url + path(companies[i % companies.length], date)),
        ),
      );

      expect(sim.calls(date)).toBe(1);
      for (const [i, answer] of answers.entries()) {
        expect(answer.status).toBe(200);
        const jobs = sim.jobsFor(date, companies[i % companies.length]);
        expect(JSON.parse(answer.body.toString()).Result).toEqual(jobs);
      }
    },
  );
});

describe('stale documents', () => {
  const date = '2026-03-09';
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

  const companyId = () => sim.companyIds().find((id) => sim.jobsFor(date, id).length > 0)!;
  // An unchanged document is not rewritten: the date's manifest records each refresh.
  const refreshedAt = async () =>
    (await app.app.get(ScheduleRefreshService).readManifest(date as ScheduleDate))?.generatedAt;

  it('should serve STALE at once and run one background refresh for many stale requests', async () => {
    await get(app.url + path(companyId(), date));
    await app.app.get(ScheduleRefreshService).drain();
    const firstRefresh = await refreshedAt();
    await waitFor('the document to go stale', async () => {
      const answer = await get(app.url + path(companyId(), date));
      return answer.headers['x-cache'] === 'STALE';
    });

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => get(app.url + path(companyId(), date))),
    );
    await waitFor(
      'the background refresh to store',
      async () => (await refreshedAt()) !== firstRefresh,
    );

    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.some((answer) => answer.headers['x-cache'] === 'STALE')).toBe(true);
    expect(sim.calls(date)).toBe(2);
  });

  it('should keep answering stored documents with 200 while the upstream fails every call', async () => {
    sim.setFault('http-500');
    await waitFor('the document to go stale', async () => {
      const answer = await get(app.url + path(companyId(), date));
      return answer.headers['x-cache'] === 'STALE';
    });

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => get(app.url + path(companyId(), date))),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0].body.toString()).Result).toEqual(sim.jobsFor(date, companyId()));
  });
});
