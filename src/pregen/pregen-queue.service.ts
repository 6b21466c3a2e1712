import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../common/error-message';
import { withTimeout } from '../common/with-timeout';
import { CycleHistory, emptyCycle } from './cycle-history.service';
import { AppConfig } from '../config/app-config';
import { RefreshRequests } from '../refresh/refresh-requests';
import { ScheduleDate } from '../domain/schedule-key';
import { pregenDates } from '../domain/pregen-dates';
import {
  CycleTrigger,
  JobIds,
  JobName,
  PREGEN_QUEUE,
  RefreshDateJob,
  RetentionJob,
} from './pregen.jobs';

// A Redis outage can make queue.add() hang; a tick must never pile up behind it.
const ENQUEUE_TIMEOUT_MS = 5_000;

/** The queue could not take the job: Redis is down or did not answer in time. */
export class QueueUnavailableError extends Error {}

/** Who asked for a manual cycle, and through what. */
export interface OperatorOrigin {
  readonly trigger: Extract<CycleTrigger, 'manual' | 'cli'>;
  readonly actor?: string;
}

export interface EnqueuedCycle {
  readonly cycleId: string;
  readonly jobs: { readonly id: string; readonly date: ScheduleDate }[];
}

/** Producer side of pre-generation: cycles become one Bull job per date. */
@Injectable()
export class PregenQueue implements RefreshRequests {
  private readonly logger = new Logger(PregenQueue.name);

  constructor(
    @InjectQueue(PREGEN_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
    private readonly history: CycleHistory,
  ) {}

  /** A cron cycle: the slot names it, so replicas firing for the same slot add each job once. */
  enqueueScheduledCycle(slot: Date): Promise<EnqueuedCycle> {
    const { timeZone, days } = this.config.pregen;
    return this.enqueue(`cron-${slot.toISOString()}`, pregenDates(slot, timeZone, days), {
      trigger: 'cron',
    });
  }

  enqueueUsersSync(slot: Date): Promise<string> {
    return this.enqueueUsers(`cron-${slot.toISOString()}`);
  }

  /** A starting replica's sync: every replica starting before the same next tick adds one job. */
  enqueueUsersSyncAtBoot(nextSlot: Date): Promise<string> {
    return this.enqueueUsers(`boot-${nextSlot.toISOString()}`);
  }

  /**
   * An operator's sync, refused at once while Redis is away. One that timed out may still run
   * when Redis returns: a sync is idempotent, it costs one more upstream call.
   */
  enqueueUsersSyncNow(): Promise<string> {
    if (this.queue.client.status !== 'ready') {
      return Promise.reject(new QueueUnavailableError('Redis is unavailable; nothing queued'));
    }
    return this.enqueueUsers(
      `manual-${new Date().toISOString()}-${randomBytes(3).toString('hex')}`,
    );
  }

  /** The retention run of the slot's day: its id dedupes every tick and replica of that day. */
  async enqueueRetention(slot: Date): Promise<string> {
    const [date] = pregenDates(slot, this.config.pregen.timeZone, 1);
    const jobId = JobIds.retention(date);
    const data: RetentionJob = { date };
    await withTimeout(
      this.queue.add(JobName.Retention, data, { jobId }),
      ENQUEUE_TIMEOUT_MS,
      'enqueue retention',
    );
    return jobId;
  }

  /** An operator's cycle: always new jobs, for the given dates or the usual window. */
  enqueueManualCycle(
    dates?: readonly ScheduleDate[],
    origin: OperatorOrigin = { trigger: 'manual' },
  ): Promise<EnqueuedCycle> {
    const now = new Date();
    const { timeZone, days } = this.config.pregen;
    const cycleId = `${origin.trigger}-${now.toISOString()}-${randomBytes(3).toString('hex')}`;
    return this.enqueue(cycleId, dates ?? pregenDates(now, timeZone, days), origin);
  }

  /** A background refresh of a date served stale: one job per stale version, whoever asks. */
  async requestRefresh(date: ScheduleDate, version: string): Promise<void> {
    const cycleId = `stale-${version}`;
    const data: RefreshDateJob = { date, cycleId, cycleDates: [date], trigger: 'stale' };
    await withTimeout(
      this.queue.add(JobName.RefreshDate, data, { jobId: JobIds.staleRefresh(date, version) }),
      ENQUEUE_TIMEOUT_MS,
      'enqueue stale refresh',
    );
    await this.recordStart(cycleId, [date], { trigger: 'stale' });
  }

  private async enqueueUsers(cycleId: string): Promise<string> {
    const jobId = JobIds.syncUsers(cycleId);
    try {
      await withTimeout(
        this.queue.add(JobName.SyncUsers, { cycleId }, { jobId }),
        ENQUEUE_TIMEOUT_MS,
        'enqueue users sync',
      );
    } catch (error) {
      throw new QueueUnavailableError(errorMessage(error));
    }
    return jobId;
  }

  private async enqueue(
    cycleId: string,
    dates: readonly ScheduleDate[],
    origin: Pick<RefreshDateJob, 'trigger' | 'actor'>,
  ): Promise<EnqueuedCycle> {
    const started = performance.now();
    const jobs = await withTimeout(
      Promise.all(
        dates.map(async (date) => {
          const data: RefreshDateJob = { date, cycleId, cycleDates: dates, ...origin };
          const jobId = JobIds.refreshDate(date, cycleId);
          await this.queue.add(JobName.RefreshDate, data, { jobId });
          return { id: jobId, date };
        }),
      ),
      ENQUEUE_TIMEOUT_MS,
      'enqueue pre-generation cycle',
    );
    await this.recordStart(cycleId, dates, origin);
    this.logger.log({
      msg: 'pre-generation cycle enqueued',
      cycleId,
      jobIds: jobs.map((job) => job.id),
      enqueueMs: Math.round(performance.now() - started),
    });
    return { cycleId, jobs };
  }

  /** The history shows a cycle from its start; the jobs run whether or not this is recorded. */
  private async recordStart(
    cycleId: string,
    dates: readonly ScheduleDate[],
    origin: Pick<RefreshDateJob, 'trigger' | 'actor'>,
  ): Promise<void> {
    try {
      await this.history.started({
        ...emptyCycle(cycleId, dates, origin, new Date()),
        finishedAt: null,
      });
    } catch (error) {
      this.logger.warn(`Cycle ${cycleId} not recorded in the history: ${errorMessage(error)}`);
    }
  }
}
