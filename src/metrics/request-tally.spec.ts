import { RequestTally } from './request-tally';

const BOUNDS = [0.001, 0.01, 0.1];

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
      { labels: { result: 'bypass' }, value: 0 },
      { labels: { result: 'error' }, value: 0 },
    ]);
  });
});
