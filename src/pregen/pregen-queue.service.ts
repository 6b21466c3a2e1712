import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../common/error-message';
import { AppConfig } from '../config/app-config';
import { RedisClientService } from '../redis/redis-client.service';
import { RefreshRequests } from '../refresh/refresh-requests';
import { ScheduleDate } from '../domain/schedule-key';
import { pregenDates } from '../domain/pregen-dates';
import { CycleHistory, emptyCycle } from './cycle-history.service';
import {
  CycleTrigger,
  JobIds,
  JobName,
  PREGEN_CONTROL_QUEUE,
  RefreshDateJob,
  RetentionJob,
} from './pregen.jobs';

// Longer than any outage a late add could come out of.
const REFUSED_CYCLE_TTL_S = 86_400;

/** Who asked for a manual cycle, and through what. */
export interface OperatorOrigin {
  readonly trigger: Extract<CycleTrigger, 'manual' | 'cli'>;
  readonly actor?: string;
}

export interface EnqueuedCycle {
  readonly cycleId: string;
  readonly jobs: { readonly id: string; readonly date: ScheduleDate }[];
}

/**
 * Producer side of pre-generation: cycles become one Bull job per date. Every add is bounded in
 * time and fails with RedisUnavailableError while Redis is down; none is queued for later.
 */
@Injectable()
export class PregenQueue implements RefreshRequests {
  private readonly logger = new Logger(PregenQueue.name);

  constructor(
    @Inject(PREGEN_CONTROL_QUEUE) private readonly queue: Queue,
    private readonly redis: RedisClientService,
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

  /** An operator's sync: refused at once while Redis is away, never queued for later. */
  enqueueUsersSyncNow(): Promise<string> {
    return this.enqueueUsers(
      `manual-${new Date().toISOString()}-${randomBytes(3).toString('hex')}`,
    );
  }

  /** The retention run of the slot's day: its id dedupes every tick and replica of that day. */
  async enqueueRetention(slot: Date): Promise<string> {
    const [date] = pregenDates(slot, this.config.pregen.timeZone, 1);
    const jobId = JobIds.retention(date);
    const data: RetentionJob = { date };
    await this.redis.whileAvailable('queue-control', 'enqueue retention', () =>
      this.queue.add(JobName.Retention, data, { jobId }),
    );
    return jobId;
  }

  /**
   * An operator's cycle: always new jobs, for the given dates or the usual window. A refused
   * cycle is marked so (after its adds, on the same connection): a job of it that lands late is
   * skipped by the worker, never run.
   */
  async enqueueManualCycle(
    dates?: readonly ScheduleDate[],
    origin: OperatorOrigin = { trigger: 'manual' },
  ): Promise<EnqueuedCycle> {
    const now = new Date();
    const { timeZone, days } = this.config.pregen;
    const cycleId = `${origin.trigger}-${now.toISOString()}-${randomBytes(3).toString('hex')}`;
    try {
      return await this.enqueue(cycleId, dates ?? pregenDates(now, timeZone, days), origin);
    } catch (error) {
      this.redis
        .client('queue-control')
        .set(this.redis.key('refused-cycle', cycleId), '1', 'EX', REFUSED_CYCLE_TTL_S)
        .catch(() => undefined);
      throw error;
    }
  }

  /** Whether the cycle's trigger was answered as refused; false when Redis cannot tell. */
  async wasRefused(cycleId: string): Promise<boolean> {
    const refused = await this.redis
      .whileAvailable('commands', 'read refused cycle', () =>
        this.redis.client('commands').exists(this.redis.key('refused-cycle', cycleId)),
      )
      .catch(() => 0);
    return refused === 1;
  }

  /** A background refresh of a date served stale: one job per stale version, whoever asks. */
  async requestRefresh(date: ScheduleDate, version: string): Promise<void> {
    const cycleId = `stale-${version}`;
    const data: RefreshDateJob = { date, cycleId, cycleDates: [date], trigger: 'stale' };
    await this.redis.whileAvailable('queue-control', 'enqueue stale refresh', () =>
      this.queue.add(JobName.RefreshDate, data, { jobId: JobIds.staleRefresh(date, version) }),
    );
    await this.recordStart(cycleId, [date], { trigger: 'stale' });
  }

  private async enqueueUsers(cycleId: string): Promise<string> {
    const jobId = JobIds.syncUsers(cycleId);
    await this.redis.whileAvailable('queue-control', 'enqueue users sync', () =>
      this.queue.add(JobName.SyncUsers, { cycleId }, { jobId }),
    );
    return jobId;
  }

  /** One job per date; a late add of a cron cycle is harmless (every replica adds the same ids). */
  private async enqueue(
    cycleId: string,
    dates: readonly ScheduleDate[],
    origin: Pick<RefreshDateJob, 'trigger' | 'actor'>,
  ): Promise<EnqueuedCycle> {
    const started = performance.now();
    const jobs = await this.redis.whileAvailable(
      'queue-control',
      'enqueue pre-generation cycle',
      () =>
        Promise.all(
          dates.map(async (date) => {
            const data: RefreshDateJob = { date, cycleId, cycleDates: dates, ...origin };
            const jobId = JobIds.refreshDate(date, cycleId);
            await this.queue.add(JobName.RefreshDate, data, { jobId });
            return { id: jobId, date };
          }),
        ),
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
