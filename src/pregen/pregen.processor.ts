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
import { UsersService } from '../users/users.service';
import { CycleSummaryService } from './cycle-summary.service';
import { JobName, JobPayloads, PREGEN_QUEUE } from './pregen.jobs';
import { PregenJobs } from './pregen-jobs.service';

type Handlers = { [Name in JobName]: (job: Job<JobPayloads[Name]>) => Promise<unknown> };

/** Consumer side: runs queued jobs on this replica and stops taking them on shutdown. */
@Injectable()
export class PregenProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PregenProcessor.name);
  private closing = false;

  private readonly handlers: Handlers = {
    [JobName.RefreshDate]: (job) => this.refreshDate(job),
    [JobName.SyncUsers]: () => this.users.sync(),
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
    this.queue.on('completed', (job: Job) => void this.summaries.onJobFinished(job));
    this.queue.on('failed', (job: Job) => void this.summaries.onJobFinished(job));
  }

  /** Stop taking jobs and give the running ones a bounded time to finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    try {
      // Closing a queue whose connections are still starting leaves Bull with unhandled rejections.
      // Bull's event and blocking clients exist once a worker runs; its typings omit them.
      const queue = this.queue as Queue & { eclient: Redis; bclient: Redis };
      const clients = [queue.client, queue.eclient, queue.bclient];
      await withTimeout(Promise.all(clients.map(connected)), this.config.shutdownGraceMs, 'Redis');
      await withTimeout(this.queue.pause(true), this.config.shutdownGraceMs, 'finish running jobs');
    } catch (error) {
      this.logger.warn(`Shutting down with jobs still running: ${errorMessage(error)}`);
    }
  }

  private dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as JobName] as
      ((job: Job) => Promise<unknown>) | undefined;
    if (!handler) {
      return Promise.reject(new Error(`No handler for job ${job.name}`));
    }
    return handler(job);
  }

  private async refreshDate(job: Job<JobPayloads[JobName.RefreshDate]>): Promise<unknown> {
    const { date, cycleId } = job.data;
    const context = { jobId: job.id, date, cycleId, attempt: job.attemptsMade + 1 };
    this.logger.log({ msg: 'refresh job started', ...context });
    const startedAt = performance.now();
    let result: DateRefreshResult | undefined;
    try {
      result = await this.refresher.refresh(date, { skipUnchanged: true, cycleId });
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

function connected(client: Redis): Promise<void> {
  return client.status === 'ready'
    ? Promise.resolve()
    : new Promise((resolve) => client.once('ready', () => resolve()));
}
