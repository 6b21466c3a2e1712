import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { MetricsController } from '../src/metrics/metrics.controller';
import { AdminJob, adminFetch, getBytes, startTestApp, TestApp } from './support/test-app';
import { ADMIN_HEADERS } from './support/tokens';
import { waitFor } from './support/wait';

const DATE = '2026-07-01';

describe(MetricsController.name, () => {
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

  const scrape = async (): Promise<string> =>
    (await getBytes(`${stack.url}/metrics`)).body.toString();
  const sample = (text: string, series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
  };

  it('should count hits and misses, their latency and the rolling hit ratio', async () => {
    const companyId = sim.companyIds()[0];
    const url = `${stack.url}/api/dr-schedule?startDate=${DATE}&endDate=${DATE}&serviceCompanyId=${companyId}`;
    const seen = { HIT: 0, MISS: 0 };
    const request = async () => {
      const cache = (await getBytes(url, ADMIN_HEADERS)).headers.get('x-cache') as 'HIT' | 'MISS';
      seen[cache] += 1;
      return cache;
    };
    await request();
    await waitFor('the miss to be stored', async () => (await request()) === 'HIT');

    const text = await scrape();

    // Requests while the miss is being stored join its fetch and are misses too.
    expect(sample(text, 'schedule_cache_requests_total{result="miss"}')).toBe(seen.MISS);
    expect(sample(text, 'schedule_cache_requests_total{result="hit"}')).toBe(seen.HIT);
    expect(sample(text, 'schedule_cache_requests_total{result="stale"}')).toBe(0);
    expect(
      sample(text, 'schedule_cache_request_duration_seconds_count{result="hit"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'schedule_cache_request_duration_seconds_bucket{le="0.005",result="hit"}'),
    ).not.toBeNaN();
    expect(sample(text, 'schedule_cache_hit_ratio')).toBeGreaterThan(0);
    expect(sample(text, 'schedule_cache_upstream_requests_total{outcome="ok"}')).toBe(1);
    expect(
      sample(text, 'schedule_cache_blob_operation_duration_seconds_count{op="write"}'),
    ).toBeGreaterThan(0);
  });

  it('should count pre-generation jobs, documents, last success and queue depth', async () => {
    const cycle = (
      await adminFetch(`${stack.url}/api/admin/pregen`, {
        method: 'POST',
        body: { dates: ['2026-07-02'] },
      })
    ).json as { cycleId: string };
    await waitFor('the job to complete', async () =>
      ((await adminFetch(`${stack.url}/api/admin/jobs?state=completed`)).json as AdminJob[]).some(
        (job) => job.cycleId === cycle.cycleId,
      ),
    );

    const text = await scrape();

    expect(sample(text, 'schedule_cache_pregen_jobs_total{status="completed"}')).toBe(1);
    expect(
      sample(text, 'schedule_cache_pregen_documents_total{outcome="written"}'),
    ).toBeGreaterThan(0);
    expect(sample(text, 'schedule_cache_pregen_last_success_timestamp_seconds')).toBeGreaterThan(
      1.7e9,
    );
    expect(sample(text, 'schedule_cache_queue_jobs{state="completed"}')).toBeGreaterThanOrEqual(1);
  });

  it('should never put a company, a date or a query string in a label', async () => {
    const labels = (await scrape())
      .split('\n')
      .filter((line) => line.startsWith('schedule_cache_'))
      .flatMap((line) => [...line.matchAll(/(\w+)="([^"]*)"/g)])
      .filter(([, name]) => name !== 'le')
      .map(([, , value]) => value);

    expect(labels.length).toBeGreaterThan(0);
    for (const value of labels) {
      expect(value).not.toMatch(/\d{4}-\d\d-\d\d|\?|serviceCompanyId|^\d+$/);
    }
  });
});
