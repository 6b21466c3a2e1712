import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { JobStatus, Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import { withTimeout } from '../common/with-timeout';
import { AppConfig } from '../config/app-config';
import { RefreshRequests } from '../refresh/refresh-requests';
import { ScheduleDate } from '../domain/schedule-key';
import { ScheduleRefreshService } from '../refresh/schedule-refresh.service';
import { pregenDates } from './pregen-dates';
import { JobIds, JobName, PREGEN_QUEUE, RefreshDateJob } from './pregen.jobs';

// A Redis outage can make queue.add() hang; a tick must never pile up behind it.
const ENQUEUE_TIMEOUT_MS = 5_000;

export interface EnqueuedCycle {
  readonly cycleId: string;
  readonly jobs: { readonly id: string; readonly date: ScheduleDate }[];
}

export type ListableState = Extract<JobStatus, 'failed' | 'completed' | 'active' | 'waiting'>;

export interface JobView {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly date?: string;
  readonly cycleId?: string;
  readonly attempts: number;
  readonly createdAt: string;
  readonly processedAt: string | null;
  readonly finishedAt: string | null;
  readonly result: unknown;
  readonly error: string | null;
}

export class JobNotFoundError extends Error {}
export class JobNotRetryableError extends Error {}

/** Producer side of pre-generation: cycles become one Bull job per date; ops views of jobs. */
@Injectable()
export class PregenService implements RefreshRequests {
  private readonly logger = new Logger(PregenService.name);

  constructor(
    @InjectQueue(PREGEN_QUEUE) private readonly queue: Queue,
    private readonly refresher: ScheduleRefreshService,
    private readonly config: AppConfig,
  ) {}

  /** A cron cycle: the slot names it, so replicas firing for the same slot add each job once. */
  enqueueScheduledCycle(slot: Date): Promise<EnqueuedCycle> {
    const { timeZone, days } = this.config.pregen;
    return this.enqueue(`cron-${slot.toISOString()}`, pregenDates(slot, timeZone, days));
  }

  async enqueueUsersSync(slot: Date): Promise<string> {
    const cycleId = `cron-${slot.toISOString()}`;
    const jobId = JobIds.syncUsers(cycleId);
    await withTimeout(
      this.queue.add(JobName.SyncUsers, { cycleId }, { jobId }),
      ENQUEUE_TIMEOUT_MS,
      'enqueue users sync',
    );
    return jobId;
  }

  /** An operator's cycle: always new jobs, for the given dates or the usual window. */
  enqueueManualCycle(dates?: readonly ScheduleDate[]): Promise<EnqueuedCycle> {
    const now = new Date();
    const { timeZone, days } = this.config.pregen;
    const cycleId = `manual-${now.toISOString()}-${randomBytes(3).toString('hex')}`;
    return this.enqueue(cycleId, dates ?? pregenDates(now, timeZone, days));
  }

  /** A background refresh of a date served stale: one job per stale version, whoever asks. */
  async requestRefresh(date: ScheduleDate, version: string): Promise<void> {
    const cycleId = `stale-${version}`;
    const data: RefreshDateJob = { date, cycleId, cycleDates: [date] };
    await withTimeout(
      this.queue.add(JobName.RefreshDate, data, { jobId: JobIds.staleRefresh(date, version) }),
      ENQUEUE_TIMEOUT_MS,
      'enqueue stale refresh',
    );
  }

  private async enqueue(cycleId: string, dates: readonly ScheduleDate[]): Promise<EnqueuedCycle> {
    const started = performance.now();
    const jobs = await withTimeout(
      Promise.all(
        dates.map(async (date) => {
          const data: RefreshDateJob = { date, cycleId, cycleDates: dates };
          const jobId = JobIds.refreshDate(date, cycleId);
          await this.queue.add(JobName.RefreshDate, data, { jobId });
          return { id: jobId, date };
        }),
      ),
      ENQUEUE_TIMEOUT_MS,
      'enqueue pre-generation cycle',
    );
    this.logger.log({
      msg: 'pre-generation cycle enqueued',
      cycleId,
      jobIds: jobs.map((job) => job.id),
      enqueueMs: Math.round(performance.now() - started),
    });
    return { cycleId, jobs };
  }

  async listJobs(state: ListableState, limit: number): Promise<JobView[]> {
    const jobs = await this.queue.getJobs([state], 0, limit - 1);
    return jobs
      .filter((job) => job !== null)
      .slice(0, limit)
      .map((job) => {
        const data = job.data as Partial<RefreshDateJob>;
        return {
          id: String(job.id),
          name: job.name,
          state,
          date: data.date,
          cycleId: data.cycleId,
          attempts: job.attemptsMade,
          createdAt: new Date(job.timestamp).toISOString(),
          processedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
          finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
          result: (job.returnvalue as unknown) ?? null,
          error: job.failedReason ?? null,
        };
      });
  }

  /** Job counts by state, for health details and metrics. */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts() as unknown as Promise<Record<string, number>>;
  }

  /** Round trip to Redis through the queue's own connection. */
  async pingRedis(): Promise<void> {
    await this.queue.client.ping();
  }

  /** When each date of the current window was last refreshed completely (its manifest). */
  async lastSuccessByDate(): Promise<
    Record<string, { generatedAt: string; ageSeconds: number } | null>
  > {
    const { timeZone, days } = this.config.pregen;
    const now = Date.now();
    const dates = pregenDates(new Date(now), timeZone, days);
    const manifests = await Promise.all(dates.map((date) => this.refresher.readManifest(date)));
    return Object.fromEntries(
      dates.map((date, i) => {
        const generatedAt = manifests[i]?.generatedAt;
        return [
          date,
          generatedAt
            ? { generatedAt, ageSeconds: Math.round((now - Date.parse(generatedAt)) / 1000) }
            : null,
        ];
      }),
    );
  }

  async retry(id: string): Promise<{ id: string; state: 'waiting' }> {
    const job = await this.queue.getJob(id);
    if (!job) {
      throw new JobNotFoundError(`No job ${id}`);
    }
    if (!(await job.isFailed())) {
      throw new JobNotRetryableError(`Job ${id} is ${await job.getState()}, not failed`);
    }
    await job.retry();
    return { id, state: 'waiting' };
  }
}
