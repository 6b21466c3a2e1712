import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Queue } from 'bull';
import { errorMessage } from '../../common/error-message';
import { withTimeout } from '../../common/with-timeout';
import { PREGEN_QUEUE } from '../../pregen/pregen.jobs';
import { PROBE_TIMEOUT_MS } from './probe';

@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(PREGEN_QUEUE) private readonly queue: Queue,
  ) {}

  /** Up with the job counts by state. */
  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('queue');
    try {
      const counts = await withTimeout(this.queue.getJobCounts(), PROBE_TIMEOUT_MS, 'queue');
      return indicator.up({ ...counts });
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }
}
