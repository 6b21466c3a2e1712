import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { UpstreamClient } from '../../upstream/upstream.client';
import { DependencyProbe, PROBE_TIMEOUT_MS } from './probe';

@Injectable()
export class UpstreamHealthIndicator {
  constructor(
    private readonly probe: DependencyProbe,
    private readonly upstream: UpstreamClient,
  ) {}

  check(): Promise<HealthIndicatorResult> {
    return this.probe.check('upstream', () => this.upstream.ping(PROBE_TIMEOUT_MS));
  }
}
