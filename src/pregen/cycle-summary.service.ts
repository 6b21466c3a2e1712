import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { errorMessage } from '../common/error-message';
import { DateRefreshResult } from '../domain/refresh-result';
import { RedisClientService } from '../redis/redis-client.service';
import { CycleHistory, emptyCycle } from './cycle-history.service';
import { JobIds, JobName, PREGEN_QUEUE, RefreshDateJob } from './pregen.jobs';

const SUMMARY_CLAIM_TTL_S = 86_400;

/**
 * Logs one line per finished cycle and records it in the history, whichever replica finished
 * its last job.
 */
@Injectable()
export class CycleSummaryService {
  private readonly logger = new Logger(CycleSummaryService.name);

  constructor(
    @InjectQueue(PREGEN_QUEUE) private readonly queue: Queue,
    private readonly redis: RedisClientService,
    private readonly history: CycleHistory,
  ) {}

  async onJobFinished(job: Job): Promise<void> {
    if (job.name !== (JobName.RefreshDate as string)) {
      return;
    }
    try {
      await this.summariseIfDone(job.data as RefreshDateJob);
    } catch (error) {
      this.logger.warn(`Cycle summary skipped: ${errorMessage(error)}`);
    }
  }

  private async summariseIfDone({
    cycleId,
    cycleDates,
    trigger,
    actor,
  }: RefreshDateJob): Promise<void> {
    const jobs = await Promise.all(
      cycleDates.map((date) => this.queue.getJob(JobIds.refreshDate(date, cycleId))),
    );
    const finished = jobs.filter((job): job is Job => job !== null && isFinal(job));
    if (finished.length < cycleDates.length) {
      return;
    }
    // Several replicas may see the last job finish: one Redis claim picks who logs.
    const claim = await this.redis
      .client('commands')
      .set(
        this.redis.key(this.queue.name, 'cycle-summary', cycleId),
        '1',
        'EX',
        SUMMARY_CLAIM_TTL_S,
        'NX',
      );
    if (claim !== 'OK') {
      return;
    }
    const results = finished.map((job) => job.returnvalue as DateRefreshResult | null);
    const sum = (key: 'written' | 'emptied' | 'unchanged' | 'upstreamMs') =>
      results.reduce((total, result) => total + (result?.[key] ?? 0), 0);
    const failed = finished.filter((job) => job.failedReason !== undefined && !job.returnvalue);
    const started = Math.min(...finished.map((job) => job.timestamp));
    const ended = Math.max(...finished.map((job) => job.finishedOn ?? job.timestamp));
    const seconds = ((ended - started) / 1000).toFixed(1);
    const generated = sum('written') + sum('emptied');
    this.logger.log({
      msg: `pre-generation cycle ${cycleId}: generated ${generated}, unchanged ${sum('unchanged')}, failed ${failed.length} in ${seconds} s`,
      cycleId,
      generated,
      unchanged: sum('unchanged'),
      failedJobs: failed.map((job) => job.id),
      seconds: Number(seconds),
    });
    await this.history.finished({
      ...emptyCycle(cycleId, cycleDates, { trigger, actor }, new Date(started)),
      finishedAt: new Date(ended).toISOString(),
      generated: sum('written'),
      unchanged: sum('unchanged'),
      emptied: sum('emptied'),
      failed: failed.length,
      upstreamMs: sum('upstreamMs'),
    });
  }
}

function isFinal(job: Job): boolean {
  if (job.finishedOn === undefined || job.finishedOn === null) {
    return false;
  }
  return job.returnvalue !== null || job.attemptsMade >= (job.opts.attempts ?? 1);
}
