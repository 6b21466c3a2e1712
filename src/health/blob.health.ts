import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BlobStorage } from '../blob/blob.storage';
import { errorMessage } from '../common/error-message';
import { withTimeout } from '../common/with-timeout';

const PROBE_BLOB = 'health/probe';
const TIMEOUT_MS = 2_000;

@Injectable()
export class BlobHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly storage: BlobStorage,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      // A read of an absent blob proves the account, container and credentials answer.
      await withTimeout(this.storage.read(PROBE_BLOB), TIMEOUT_MS, 'blob storage');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }
}
