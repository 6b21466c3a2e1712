import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Queue } from 'bull';
import { PREGEN_QUEUE } from '../../pregen/pregen.jobs';
import { probe } from './probe';

@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(PREGEN_QUEUE) private readonly queue: Queue,
  ) {}

  /** Up with the job counts by state. */
  check(): Promise<HealthIndicatorResult> {
    return probe(
      this.indicators,
      'queue',
      () => this.queue.getJobCounts(),
      (counts) => ({ ...counts }),
    );
  }
}
