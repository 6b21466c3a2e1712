import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { Queue } from 'bull';
import { PREGEN_QUEUE } from '../../pregen/pregen.jobs';
import { DependencyProbe } from './probe';

@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly probe: DependencyProbe,
    @InjectQueue(PREGEN_QUEUE) private readonly queue: Queue,
  ) {}

  /** Up with the job counts by state. */
  check(): Promise<HealthIndicatorResult> {
    return this.probe.check(
      'queue',
      () => this.queue.getJobCounts(),
      (counts) => ({ ...counts }),
    );
  }
}
