import type { Histogram } from 'prom-client';
import { REQUEST_RESULTS, RequestResult } from './metric-names';

/** A metric's values as prom-client's registry reads them (bucket and series names included). */
export type MetricValues = Awaited<ReturnType<Histogram['get']>>['values'];

const ROW = Object.fromEntries(REQUEST_RESULTS.map((result, row) => [result, row])) as Record<
  RequestResult,
  number
>;

/**
 * Schedule requests by result: counts, duration buckets and duration sums in typed arrays, turned
 * into metric values only when scraped, so recording a hit allocates nothing. prom-client's
 * labelled inc() and observe() hash their labels and allocate on every call.
 */
export class RequestTally {
  private readonly width: number;
  // Per result, one count per bound and one above them all; not cumulative.
  private readonly buckets: Float64Array;
  private readonly sums: Float64Array;

  constructor(private readonly bounds: readonly number[]) {
    this.width = bounds.length + 1;
    this.buckets = new Float64Array(REQUEST_RESULTS.length * this.width);
    this.sums = new Float64Array(REQUEST_RESULTS.length);
  }

  record(result: RequestResult, seconds: number): void {
    const row = ROW[result];
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]) {
      bucket++;
    }
    this.buckets[row * this.width + bucket] += 1;
    this.sums[row] += seconds;
  }

  count(result: RequestResult): number {
    const start = ROW[result] * this.width;
    return this.buckets.subarray(start, start + this.width).reduce((sum, n) => sum + n, 0);
  }

  /** A counter's values: requests by result. */
  counts(): MetricValues {
    return REQUEST_RESULTS.map((result) => ({ labels: { result }, value: this.count(result) }));
  }

  /** A histogram's values, as prom-client lays them out: cumulative `le` buckets, sum, count. */
  histogram(name: string): MetricValues {
    return REQUEST_RESULTS.flatMap((result) => {
      const row = ROW[result] * this.width;
      let cumulative = 0;
      const buckets = this.bounds.map((le, i) => {
        cumulative += this.buckets[row + i];
        return { labels: { le, result }, value: cumulative, metricName: `${name}_bucket` };
      });
      const count = cumulative + this.buckets[row + this.bounds.length];
      return [
        ...buckets,
        { labels: { le: '+Inf', result }, value: count, metricName: `${name}_bucket` },
        { labels: { result }, value: this.sums[ROW[result]], metricName: `${name}_sum` },
        { labels: { result }, value: count, metricName: `${name}_count` },
      ];
    });
  }

  reset(): void {
    this.buckets.fill(0);
    this.sums.fill(0);
  }
}
