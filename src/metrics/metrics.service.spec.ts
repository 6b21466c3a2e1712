import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Histogram, Registry } from 'prom-client';
import { MetricsService } from './metrics.service';

function line(text: string, series: string): string | undefined {
  return text.split('\n').find((l) => l.startsWith(`${series} `));
}

describe(MetricsService.name, () => {
  it('should expose request durations as a prom-client histogram fed the same ones would', async () => {
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

  it('should count requests from zero again when the registry is reset', async () => {
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

  it('should name the running version and Node.js in build_info', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };

    const text = await new MetricsService().registry.metrics();

    expect(
      line(
        text,
        `schedule_cache_build_info{version="${version}",node_version="${process.version}"}`,
      ),
    ).toBe(`schedule_cache_build_info{version="${version}",node_version="${process.version}"} 1`);
  });
});
