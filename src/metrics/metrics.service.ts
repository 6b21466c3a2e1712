import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Metric, Registry } from 'prom-client';
import {
  BlobOperation,
  DOCUMENT_OUTCOMES,
  DocumentOutcome,
  MetricNames,
  QUEUE_STATES,
  RATE_LIMITS,
  RateLimitName,
  RequestResult,
} from './metric-names';
import { withTimeout } from '../common/with-timeout';
import { MetricValues, RequestTally } from './request-tally';
import { RollingRatio } from './rolling-ratio';

// Bounds at the latency SLOs (5 ms, 50 ms, 100 ms, 500 ms), from 1 ms to 10 s.
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const UPSTREAM_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60];
const BLOB_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const JOB_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
const HIT_RATIO_WINDOW_MS = 5 * 60_000;

/** One registry per application instance, so two apps in one test process never collide. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly hitRatio = new RollingRatio(HIT_RATIO_WINDOW_MS, 30);
  private queueCounts: () => Promise<Record<string, number>> = () => Promise.resolve({});
  private pregenPaused: () => boolean = () => false;
  private memoryCache: () => { entries: number; bytes: number } = () => ({ entries: 0, bytes: 0 });

  private readonly requests = new RequestTally(REQUEST_BUCKETS);

  private readonly notModified = new Counter({
    name: MetricNames.notModified,
    help: 'Schedule requests answered 304 Not Modified (also counted in requests_total)',
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

  private readonly blobDuration = new Histogram({
    name: MetricNames.blobDuration,
    help: 'Blob storage operation duration in seconds',
    labelNames: ['op'] as const,
    buckets: BLOB_BUCKETS,
    registers: [this.registry],
  });

  private readonly pregenJobs = new Counter({
    name: MetricNames.pregenJobs,
    help: 'Pre-generation job attempts by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  private readonly pregenJobDuration = new Histogram({
    name: MetricNames.pregenJobDuration,
    help: 'Pre-generation job duration in seconds',
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  private readonly pregenDocuments = new Counter({
    name: MetricNames.pregenDocuments,
    help: 'Documents handled by pre-generation by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly pregenLastSuccess = new Gauge({
    name: MetricNames.pregenLastSuccess,
    help: 'Unix time of the last pre-generation job that stored every document',
    registers: [this.registry],
  });

  private readonly warmUpDuration = new Gauge({
    name: MetricNames.warmUpDuration,
    help: 'How long this replica loaded stored documents into memory before it reported ready',
    registers: [this.registry],
  });

  private readonly warmUpDocuments = new Gauge({
    name: MetricNames.warmUpDocuments,
    help: 'Documents this replica loaded into memory before it reported ready',
    registers: [this.registry],
  });

  private readonly retentionRuns = new Counter({
    name: MetricNames.retentionRuns,
    help: 'Retention job runs by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  private readonly retentionDeletedBlobs = new Counter({
    name: MetricNames.retentionDeletedBlobs,
    help: 'Documents and manifests of dates past RETENTION_DAYS deleted by this replica',
    registers: [this.registry],
  });

  private readonly throttledRequests = new Counter({
    name: MetricNames.throttledRequests,
    help: 'Requests refused with 429 by rate limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  private readonly rateLimitErrors = new Counter({
    name: MetricNames.rateLimitErrors,
    help: 'Rate limit checks that failed (Redis down or slow) and let the request through',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.registerTallied(
      MetricNames.requests,
      'Schedule requests by how they were answered',
      'counter',
      () => this.requests.counts(),
    );
    this.registerTallied(
      MetricNames.requestDuration,
      'Schedule request duration in seconds by result',
      'histogram',
      () => this.requests.histogram(MetricNames.requestDuration),
    );
    for (const status of ['completed', 'failed'] as const) {
      this.pregenJobs.inc({ status }, 0);
    }
    for (const outcome of DOCUMENT_OUTCOMES) {
      this.pregenDocuments.inc({ outcome }, 0);
    }
    for (const status of ['completed', 'failed'] as const) {
      this.retentionRuns.inc({ status }, 0);
    }
    for (const limit of RATE_LIMITS) {
      this.throttledRequests.inc({ limit }, 0);
    }
    const ratio = this.hitRatio;
    new Gauge({
      name: MetricNames.hitRatio,
      help: 'Share of schedule requests answered from the cache over the last 5 minutes (for humans; alert on rates)',
      registers: [this.registry],
      collect() {
        this.set(ratio.value());
      },
    });
    const memoryCache = () => this.memoryCache();
    new Gauge({
      name: MetricNames.memoryCacheBytes,
      help: 'Bytes held by the in-process document cache (bodies and compressed variants)',
      registers: [this.registry],
      collect() {
        this.set(memoryCache().bytes);
      },
    });
    new Gauge({
      name: MetricNames.memoryCacheEntries,
      help: 'Documents held by the in-process document cache',
      registers: [this.registry],
      collect() {
        this.set(memoryCache().entries);
      },
    });
    const paused = () => this.pregenPaused();
    new Gauge({
      name: MetricNames.pregenPaused,
      help: 'Whether cron ticks of this pod enqueue nothing: paused by an operator, or serve mode upstream',
      registers: [this.registry],
      collect() {
        this.set(paused() ? 1 : 0);
      },
    });
    const counts = () => this.queueCounts();
    new Gauge({
      name: MetricNames.queueJobs,
      help: 'Pre-generation queue jobs by state (shared by all replicas)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const empty: Record<string, number> = {};
        // A scrape must not hang on a Redis outage: report zeros instead.
        const byState = await withTimeout(counts(), 1_000, 'queue counts').catch(() => empty);
        for (const state of QUEUE_STATES) {
          this.set({ state }, byState[state] ?? 0);
        }
      },
    });
  }

  recordRequest(result: RequestResult, seconds: number, notModified = false): void {
    this.requests.record(result, seconds);
    if (notModified) {
      this.notModified.inc();
    }
    // A bypass is neither a hit nor a miss of the cache: the ratio does not count it.
    if (result !== 'error' && result !== 'bypass') {
      this.hitRatio.record(result === 'hit' || result === 'stale');
    }
  }

  recordUpstream(outcome: string, seconds: number): void {
    this.upstreamRequests.inc({ outcome });
    this.upstreamDuration.observe(seconds);
  }

  recordBlob(op: BlobOperation, seconds: number): void {
    this.blobDuration.observe({ op }, seconds);
  }

  recordPregenJob(
    status: 'completed' | 'failed',
    seconds: number,
    documents: Partial<Record<DocumentOutcome, number>>,
  ): void {
    this.pregenJobs.inc({ status });
    this.pregenJobDuration.observe(seconds);
    for (const outcome of DOCUMENT_OUTCOMES) {
      this.pregenDocuments.inc({ outcome }, documents[outcome] ?? 0);
    }
    if (status === 'completed') {
      this.pregenLastSuccess.setToCurrentTime();
    }
  }

  recordWarmUp(seconds: number, documents: number): void {
    this.warmUpDuration.set(seconds);
    this.warmUpDocuments.set(documents);
  }

  /** One retention run; `deleted` counts the blobs it deleted before it ended or failed. */
  recordRetention(status: 'completed' | 'failed', deleted: number): void {
    this.retentionRuns.inc({ status });
    this.retentionDeletedBlobs.inc(deleted);
  }

  /** The document cache lives in another module; it registers how to read its size. */
  observeMemoryCache(size: () => { entries: number; bytes: number }): void {
    this.memoryCache = size;
  }

  /** The switches live in another module; they register how to read the pause. */
  observePregenPaused(paused: () => boolean): void {
    this.pregenPaused = paused;
  }

  recordThrottled(limit: RateLimitName): void {
    this.throttledRequests.inc({ limit });
  }

  recordRateLimitError(): void {
    this.rateLimitErrors.inc();
  }

  /** The queue lives in another module; it registers how to count its jobs. */
  countQueueWith(counts: () => Promise<Record<string, number>>): void {
    this.queueCounts = counts;
  }

  /** A metric read from the request tally when scraped; the registry only calls get() and reset(). */
  private registerTallied(
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    values: () => MetricValues,
  ): void {
    const metric = {
      name,
      help,
      type,
      aggregator: 'sum',
      get: () => Promise.resolve({ name, help, type, aggregator: 'sum', values: values() }),
      reset: () => this.requests.reset(),
    };
    this.registry.registerMetric(metric as unknown as Metric);
  }
}
