import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { MetricNames, RequestResult } from './metric-names';

// Bounds at the latency SLOs (5 ms, 50 ms, 100 ms, 500 ms), from 1 ms to 10 s.
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const UPSTREAM_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60];

/** One registry per application instance, so two apps in one test process never collide. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: MetricNames.requests,
    help: 'Schedule requests by how they were answered',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private readonly requestDuration = new Histogram({
    name: MetricNames.requestDuration,
    help: 'Schedule request duration in seconds by result',
    labelNames: ['result'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });

  private readonly upstreamRequests = new Counter({
    name: MetricNames.upstreamRequests,
    help: 'Calls to the legacy schedule API by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly upstreamDuration = new Histogram({
    name: MetricNames.upstreamDuration,
    help: 'Legacy schedule API call duration in seconds',
    buckets: UPSTREAM_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const result of ['hit', 'miss', 'error'] satisfies RequestResult[]) {
      this.requests.inc({ result }, 0);
    }
  }

  recordRequest(result: RequestResult, seconds: number): void {
    this.requests.inc({ result });
    this.requestDuration.observe({ result }, seconds);
  }

  recordUpstream(outcome: string, seconds: number): void {
    this.upstreamRequests.inc({ outcome });
    this.upstreamDuration.observe(seconds);
  }
}
