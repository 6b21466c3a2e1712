import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Job, JobStatus, Queue } from 'bull';
import { PREGEN_QUEUE, RefreshDateJob } from './pregen.jobs';

export type ListableState = Extract<
  JobStatus,
  'failed' | 'completed' | 'active' | 'waiting' | 'delayed'
>;

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

/** One job with the stack of each failed attempt's error (newest last), as Bull keeps them. */
export interface JobDetails extends JobView {
  readonly stacktrace: string[];
}

export class JobNotFoundError extends Error {}
export class JobNotRetryableError extends Error {}

/** What operators see and do with jobs: list them by state, count them, retry a failed one. */
@Injectable()
export class PregenJobs {
  constructor(@InjectQueue(PREGEN_QUEUE) private readonly queue: Queue) {}

  async listJobs(state: ListableState, limit: number): Promise<JobView[]> {
    const jobs = await this.queue.getJobs([state], 0, limit - 1);
    return jobs
      .filter((job) => job !== null)
      .slice(0, limit)
      .map((job) => viewOf(job, state));
  }

  async show(id: string): Promise<JobDetails> {
    const job = await this.queue.getJob(id);
    if (!job) {
      throw new JobNotFoundError(`No job ${id}`);
    }
    return { ...viewOf(job, await job.getState()), stacktrace: job.stacktrace ?? [] };
  }

  /** Job counts by state, for health details and metrics. */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts() as unknown as Promise<Record<string, number>>;
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

function viewOf(job: Job, state: string): JobView {
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
}
