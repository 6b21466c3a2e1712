import { Histogram, Registry } from 'prom-client';
import { MetricsService } from './metrics.service';
import { RequestTally } from './request-tally';

const BOUNDS = [0.001, 0.01, 0.1];

function line(text: string, series: string): string | undefined {
  return text.split('\n').find((l) => l.startsWith(`${series} `));
}

describe(RequestTally.name, () => {
  it('should count each request under the first bound it does not exceed, cumulatively', () => {
    const tally = new RequestTally(BOUNDS);
    for (const seconds of [0.0005, 0.001, 0.005, 0.5]) {
      tally.record('hit', seconds);
    }
    tally.record('miss', 0.05);

    const values = tally.histogram('d');
    const bucket = (result: string, le: number | string) =>
      values.find(
        (v) => v.metricName === 'd_bucket' && v.labels.result === result && v.labels.le === le,
      )?.value;

    expect([0.001, 0.01, 0.1, '+Inf'].map((le) => bucket('hit', le))).toEqual([2, 3, 3, 4]);
    expect([0.001, 0.01, 0.1, '+Inf'].map((le) => bucket('miss', le))).toEqual([0, 0, 1, 1]);
    expect(
      values.find((v) => v.metricName === 'd_sum' && v.labels.result === 'hit')?.value,
    ).toBeCloseTo(0.5065);
    expect(values.find((v) => v.metricName === 'd_count' && v.labels.result === 'hit')?.value).toBe(
      4,
    );
    expect(tally.counts()).toEqual([
      { labels: { result: 'hit' }, value: 4 },
      { labels: { result: 'miss' }, value: 1 },
      { labels: { result: 'stale' }, value: 0 },
      { labels: { result: 'error' }, value: 0 },
    ]);
  });

  it('should expose the same text as a prom-client histogram fed the same durations', async () => {
    const durations: ['hit' | 'stale', number][] = [
      ['hit', 0.0004],
      ['hit', 0.2],
      ['stale', 0.005],
      ['hit', 7],
    ];
    const metrics = new MetricsService();
    const registry = new Registry();
    const reference = new Histogram({
      name: 'schedule_cache_request_duration_seconds',
      help: 'x',
      labelNames: ['result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    for (const [result, seconds] of durations) {
      metrics.recordRequest(result, seconds);
      reference.observe({ result }, seconds);
    }

    const ours = await metrics.registry.metrics();
    const theirs = (await registry.metrics())
      .split('\n')
      .filter((l) => !l.startsWith('#') && l !== '');

    expect(theirs.length).toBeGreaterThan(20);
    for (const expected of theirs) {
      expect(line(ours, expected.slice(0, expected.lastIndexOf(' ')))).toBe(expected);
    }
    expect(line(ours, 'schedule_cache_requests_total{result="hit"}')).toBe(
      'schedule_cache_requests_total{result="hit"} 3',
    );
  });

  it('should start again from zero when the registry is reset', async () => {
    const metrics = new MetricsService();
    metrics.recordRequest('hit', 0.002);

    metrics.registry.resetMetrics();

    const text = await metrics.registry.metrics();
    expect(line(text, 'schedule_cache_requests_total{result="hit"}')).toBe(
      'schedule_cache_requests_total{result="hit"} 0',
    );
    expect(line(text, 'schedule_cache_request_duration_seconds_count{result="hit"}')).toBe(
      'schedule_cache_request_duration_seconds_count{result="hit"} 0',
    );
  });
});
