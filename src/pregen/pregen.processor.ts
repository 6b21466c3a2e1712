import { InjectQueue } from '@nestjs/bull';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Job, Queue } from 'bull';
import { Redis } from 'ioredis';
import { errorMessage } from '../common/error-message';
import { withTimeout } from '../common/with-timeout';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { DateRefreshResult } from '../domain/refresh-result';
import { ScheduleRefreshService } from '../refresh/schedule-refresh.service';
import { ScheduleRetention } from '../retention/schedule-retention.service';
import { UpstreamError } from '../upstream/upstream.errors';
import { UsersService } from '../users/users.service';
import { CycleSummaryService } from './cycle-summary.service';
import { JobName, JobPayloads, PREGEN_QUEUE } from './pregen.jobs';
import { PregenJobs } from './pregen-jobs.service';
import { PregenQueue } from './pregen-queue.service';

// A job refused an upstream slot tries again after this, without using up an attempt.
const SLOT_RETRY_MS = 1_000;

type Handlers = { [Name in JobName]: (job: Job<JobPayloads[Name]>) => Promise<unknown> };

// Each step of closing the queue: a connect under way ends, quitting is bounded by Bull to 0.5 s.
const CLOSE_STEP_MS = 3_000;

/** Consumer side: runs queued jobs on this replica and stops taking them on shutdown. */
@Injectable()
export class PregenProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PregenProcessor.name);
  private closing = false;
  /** This replica's jobs under way, known without asking Redis. */
  private readonly running = new Set<Promise<unknown>>();

  private readonly handlers: Handlers = {
    [JobName.RefreshDate]: (job) => this.refreshDate(job),
    [JobName.SyncUsers]: () => this.whenSlotFree(() => this.users.sync()),
    [JobName.Retention]: (job) => this.retention.run(job.data.date),
  };

  constructor(
    @InjectQueue(PREGEN_QUEUE) private readonly queue: Queue,
    private readonly refresher: ScheduleRefreshService,
    private readonly users: UsersService,
    private readonly retention: ScheduleRetention,
    private readonly summaries: CycleSummaryService,
    private readonly metrics: MetricsService,
    private readonly jobs: PregenJobs,
    private readonly pregen: PregenQueue,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const missing = Object.values(JobName).filter(
      (name) => typeof this.handlers[name] !== 'function',
    );
    if (missing.length > 0) {
      throw new Error(`Jobs without a handler: ${missing.join(', ')}`);
    }
    this.metrics.countQueueWith(() => this.jobs.counts());
    // One processor for all names: Bull adds up the concurrency of named processors.
    this.queue
      .process('*', this.config.pregen.concurrency, (job: Job) => this.dispatch(job))
      // Settles when the worker stops; a rejection while closing is expected, not a failure.
      .catch((error: unknown) => {
        if (!this.closing) {
          this.logger.error(`Worker stopped: ${errorMessage(error)}`);
        }
      });
    this.queue.on('stalled', (job: Job) =>
      this.logger.warn({ msg: 'job stalled, running it again', jobId: job.id }),
    );
    this.queue.on('failed', (job: Job, error: Error) =>
      this.logger.warn({
        msg: 'job attempt failed',
        jobId: job.id,
        attempt: job.attemptsMade,
        of: job.opts.attempts,
        error: error.message,
      }),
    );
    // Bull sets finishedOn only when a job fails for good, not on an attempt it will retry.
    this.queue.on('failed', (job: Job) => {
      if (job.finishedOn) {
        this.metrics.recordPregenJobExhausted();
      }
    });
    this.queue.on('completed', (job: Job) => void this.summaries.onJobFinished(job));
    this.queue.on('failed', (job: Job) => void this.summaries.onJobFinished(job));
  }

  /**
   * Stop taking jobs, give this replica's running ones a bounded time to finish, then close the
   * queue without waiting for Redis, which may be down.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    // Bull's clients are quit and reconnected below: one still connecting would reject unhandled.
    const clients = (this.queue as Queue & { clients: Redis[] }).clients;
    await bounded(Promise.all(clients.map(notConnecting)));
    // A local pause that aborts the blocking fetch; its reconnect fails while Redis is down.
    const paused = this.queue.pause(true, true).catch(() => undefined);
    // Bull's own tally also holds jobs just fetched and their results being recorded, but a
    // result waits for Redis: without it, this replica's running handlers are enough.
    const bull = this.queue as Queue & { processing: Record<string, Promise<unknown>> };
    const recorded = Promise.all(Object.values(bull.processing));
    const ownDone = Promise.allSettled(this.running).then(() => unavailable(this.queue.client));
    try {
      await withTimeout(
        Promise.race([recorded, ownDone]),
        this.config.shutdownGraceMs,
        'finish running jobs',
      );
    } catch (error) {
      this.logger.warn(`Shutting down with jobs still running: ${errorMessage(error)}`);
    }
    if (this.queue.client.status !== 'ready') {
      this.logger.warn('Redis unavailable at shutdown: closing the queue without it');
    }
    await bounded(paused);
    // Bull's close() would wait for every fetch, and a fetch on a lost connection never ends.
    if (!(await bounded(this.queue.close(true)))) {
      this.logger.warn(`Queue not closed within ${CLOSE_STEP_MS} ms`);
    }
  }

  private dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as JobName] as
      ((job: Job) => Promise<unknown>) | undefined;
    if (!handler) {
      return Promise.reject(new Error(`No handler for job ${job.name}`));
    }
    const run = handler(job);
    this.running.add(run);
    const forget = () => this.running.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** The cap on upstream calls is back-pressure, not a failure: wait for a slot while running. */
  private async whenSlotFree<T>(run: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await run();
      } catch (error) {
        if (!isBusy(error) || this.closing) {
          throw error;
        }
        this.logger.debug('Job waiting for a slot to call the legacy API');
        await new Promise((resolve) => setTimeout(resolve, SLOT_RETRY_MS));
      }
    }
  }

  private async refreshDate(job: Job<JobPayloads[JobName.RefreshDate]>): Promise<unknown> {
    const { date, cycleId } = job.data;
    const context = { jobId: job.id, date, cycleId, attempt: job.attemptsMade + 1 };
    if (await this.pregen.wasRefused(cycleId)) {
      this.logger.warn({ msg: 'refresh job skipped: its trigger was refused', ...context });
      return { refused: true };
    }
    this.logger.log({ msg: 'refresh job started', ...context });
    const startedAt = performance.now();
    let result: DateRefreshResult | undefined;
    try {
      result = await this.whenSlotFree(() =>
        this.refresher.refresh(date, { skipUnchanged: true, cycleId }),
      );
    } finally {
      const stored = result !== undefined && result.failed === 0;
      const seconds = (performance.now() - startedAt) / 1000;
      this.metrics.recordPregenJob(stored ? 'completed' : 'failed', seconds, result ?? {});
    }
    this.logger.log({ msg: 'refresh job finished', ...context, ...result });
    if (result.failed > 0) {
      throw new Error(`${result.failed} of ${result.companies} documents not stored`);
    }
    return result;
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof UpstreamError && error.kind === 'busy';
}

/** Whether `step` settled in time; it never rejects. */
function bounded(step: Promise<unknown>): Promise<boolean> {
  return withTimeout(step, CLOSE_STEP_MS, 'close the queue').then(
    () => true,
    () => false,
  );
}

/** Settles once `client` has no connection to Redis. */
function unavailable(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    return Promise.resolve();
  }
  return new Promise((resolve) => client.once('close', () => resolve()));
}

/** Settles once `client` is connected or its connect attempt has failed. */
function notConnecting(client: Redis): Promise<void> {
  if (client.status !== 'connecting' && client.status !== 'connect') {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      client.off('ready', done).off('close', done);
      resolve();
    };
    client.once('ready', done).once('close', done);
  });
}
