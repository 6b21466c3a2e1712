import { Inject, Injectable, Logger } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { RedisClientService } from '../redis/redis-client.service';
import { RefreshRequests } from '../refresh/refresh-requests';
import { ScheduleDate } from '../domain/schedule-key';
import { pregenDates } from '../domain/pregen-dates';
import { JobIds, JobName, PREGEN_CONTROL_QUEUE, RefreshDateJob } from './pregen.jobs';

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
  ) {}

  /** A cron cycle: the slot names it, so replicas firing for the same slot add each job once. */
  enqueueScheduledCycle(slot: Date): Promise<EnqueuedCycle> {
    const { timeZone, days } = this.config.pregen;
    return this.enqueue(`cron-${slot.toISOString()}`, pregenDates(slot, timeZone, days));
  }

  async enqueueUsersSync(slot: Date): Promise<string> {
    const cycleId = `cron-${slot.toISOString()}`;
    const jobId = JobIds.syncUsers(cycleId);
    await this.redis.whileAvailable('queue-control', 'enqueue users sync', () =>
      this.queue.add(JobName.SyncUsers, { cycleId }, { jobId }),
    );
    return jobId;
  }

  /**
   * An operator's cycle: always new jobs, for the given dates or the usual window. A refused
   * cycle leaves no job behind: one whose add answers after the refusal is removed.
   */
  enqueueManualCycle(dates?: readonly ScheduleDate[]): Promise<EnqueuedCycle> {
    const now = new Date();
    const { timeZone, days } = this.config.pregen;
    const cycleId = `manual-${now.toISOString()}-${randomBytes(3).toString('hex')}`;
    return this.enqueue(cycleId, dates ?? pregenDates(now, timeZone, days), (job) => job.remove());
  }

  /** A background refresh of a date served stale: one job per stale version, whoever asks. */
  async requestRefresh(date: ScheduleDate, version: string): Promise<void> {
    const cycleId = `stale-${version}`;
    const data: RefreshDateJob = { date, cycleId, cycleDates: [date] };
    await this.redis.whileAvailable('queue-control', 'enqueue stale refresh', () =>
      this.queue.add(JobName.RefreshDate, data, { jobId: JobIds.staleRefresh(date, version) }),
    );
  }

  /**
   * One job per date. Ids of cron and stale cycles are shared by every replica, so a late add is
   * harmless there; `undo` is for cycles whose ids are this call's own.
   */
  private async enqueue(
    cycleId: string,
    dates: readonly ScheduleDate[],
    undo?: (job: Job) => Promise<void>,
  ): Promise<EnqueuedCycle> {
    const started = performance.now();
    const adds: Promise<Job>[] = [];
    const jobs = await this.redis
      .whileAvailable('queue-control', 'enqueue pre-generation cycle', () =>
        Promise.all(
          dates.map(async (date) => {
            const data: RefreshDateJob = { date, cycleId, cycleDates: dates };
            const jobId = JobIds.refreshDate(date, cycleId);
            const add = this.queue.add(JobName.RefreshDate, data, { jobId });
            adds.push(add);
            await add;
            return { id: jobId, date };
          }),
        ),
      )
      .catch((error: unknown) => {
        for (const add of undo ? adds : []) {
          add.then(undo).catch(() => undefined);
        }
        throw error;
      });
    this.logger.log({
      msg: 'pre-generation cycle enqueued',
      cycleId,
      jobIds: jobs.map((job) => job.id),
      enqueueMs: Math.round(performance.now() - started),
    });
    return { cycleId, jobs };
  }
}
