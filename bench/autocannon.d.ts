// Minimal typings for the parts of autocannon@8's programmatic API used by bench/*.ts.
// autocannon ships no types and @types/autocannon is not a dependency of this project.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      /** Per-request timeout, seconds. */
      timeout?: number;
      title?: string;
      method?: string;
      headers?: Record<string, string>;
      /** Requests per second over all connections (fixed-rate mode). */
      overallRate?: number;
    }

    interface Histogram {
      mean: number;
      stddev: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      title?: string;
      url: string;
      connections: number;
      /** Seconds actually run. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      mismatches: number;
      '1xx': number;
      '2xx': number;
      '3xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      /** Latency in milliseconds. */
      latency: Histogram & { totalCount: number };
      /** Requests per second (per-second samples); total = completed requests. */
      requests: Histogram & { total: number; sent: number };
      /** Bytes per second (per-second samples); total = bytes received, headers included. */
      throughput: Histogram & { total: number };
    }
  }

  function autocannon(
    opts: autocannon.Options,
    cb: (err: Error | null, result: autocannon.Result) => void,
  ): EventEmitter;

  export = autocannon;
}
