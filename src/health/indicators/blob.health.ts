import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { BlobStorage } from '../../blob/blob.storage';
import { DependencyProbe } from './probe';

const PROBE_BLOB = 'health/probe';

@Injectable()
export class BlobHealthIndicator {
  constructor(
    private readonly probe: DependencyProbe,
    private readonly storage: BlobStorage,
  ) {}

  // A read of an absent blob proves the account, container and credentials answer.
  check(): Promise<HealthIndicatorResult> {
    return this.probe.check('blob', () => this.storage.read(PROBE_BLOB));
  }
}
