import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BlobStorage } from '../../blob/blob.storage';
import { probe } from './probe';

const PROBE_BLOB = 'health/probe';

@Injectable()
export class BlobHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly storage: BlobStorage,
  ) {}

  // A read of an absent blob proves the account, container and credentials answer.
  check(): Promise<HealthIndicatorResult> {
    return probe(this.indicators, 'blob', () => this.storage.read(PROBE_BLOB));
  }
}
