import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { runPregen } from './support/admin-api';
import { request } from './support/http';
import { getSchedule } from './support/schedule-api';
import { startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { companiesWithJobs } from './support/sim-schedules';

const DATE = '2026-07-01';
const PREGEN_DATE = '2026-07-02';
const HITS = 3;

describe('GET /metrics', () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 5, max: 10 } });
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
  });

  afterAll(async () => {
    await stack.close();
    await sim.close();
  });

  const scrape = async (): Promise<string> => (await request(`${stack.url}/metrics`)).text();
  const sample = (text: string, series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
  };

  it('should count hits and misses, their latency, blob writes and the rolling hit ratio', async () => {
    const get = () =>
      getSchedule(stack.url, { date: DATE, companyId: sim.companyIds()[0] }, AS_ADMIN);
    const miss = await get();
    await stack.app.get(ScheduleRefreshService).drain();
    const hits = [];
    for (let i = 0; i < HITS; i += 1) {
      hits.push(await get());
    }

    const text = await scrape();

    expect([miss.headers['x-cache'], ...hits.map((hit) => hit.headers['x-cache'])]).toEqual([
      'MISS',
      ...Array(HITS).fill('HIT'),
    ]);
    expect(sample(text, 'schedule_cache_requests_total{result="miss"}')).toBe(1);
    expect(sample(text, 'schedule_cache_requests_total{result="hit"}')).toBe(HITS);
    expect(sample(text, 'schedule_cache_requests_total{result="stale"}')).toBe(0);
    expect(sample(text, 'schedule_cache_request_duration_seconds_count{result="hit"}')).toBe(HITS);
    expect(
      sample(text, 'schedule_cache_request_duration_seconds_bucket{le="+Inf",result="hit"}'),
    ).toBe(HITS);
    expect(
      sample(text, 'schedule_cache_request_duration_seconds_bucket{le="0.005",result="hit"}'),
    ).not.toBeNaN();
    expect(sample(text, 'schedule_cache_hit_ratio')).toBe(HITS / (HITS + 1));
    expect(sample(text, 'schedule_cache_upstream_requests_total{outcome="ok"}')).toBe(1);
    // One document per company with jobs, and the date's manifest.
    expect(sample(text, 'schedule_cache_blob_operation_duration_seconds_count{op="write"}')).toBe(
      companiesWithJobs(sim, DATE).length + 1,
    );
  });

  it('should count pre-generation jobs, documents, last success and queue depth', async () => {
    const startedAt = Math.floor(Date.now() / 1000);
    await runPregen(stack.url, [PREGEN_DATE]);
    const finishedAt = Date.now() / 1000;

    const text = await scrape();

    expect(sample(text, 'schedule_cache_pregen_jobs_total{status="completed"}')).toBe(1);
    expect(sample(text, 'schedule_cache_pregen_documents_total{outcome="written"}')).toBe(
      companiesWithJobs(sim, PREGEN_DATE).length,
    );
    const lastSuccess = sample(text, 'schedule_cache_pregen_last_success_timestamp_seconds');
    expect(lastSuccess).toBeGreaterThanOrEqual(startedAt);
    expect(lastSuccess).toBeLessThanOrEqual(finishedAt);
    expect(sample(text, 'schedule_cache_queue_jobs{state="completed"}')).toBe(1);
  });

  it('should never put a company, a date or a query string in a label', async () => {
    const labels = (await scrape())
      .split('\n')
      .filter((line) => line.startsWith('schedule_cache_'))
      .flatMap((line) => [...line.matchAll(/(\w+)="([^"]*)"/g)])
      .filter(([, name]) => name !== 'le')
      .map(([, , value]) => value);

    // The traffic above labelled these series; none may name what was asked for.
    expect(labels).toEqual(expect.arrayContaining(['hit', 'miss', 'ok', 'write', 'completed']));
    for (const value of labels) {
      expect(value).not.toMatch(/\d{4}-\d\d-\d\d|\?|serviceCompanyId|^\d+$/);
    }
  });
});
