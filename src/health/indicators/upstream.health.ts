import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { UpstreamClient } from '../../upstream/upstream.client';
import { probe, PROBE_TIMEOUT_MS } from './probe';

@Injectable()
export class UpstreamHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly upstream: UpstreamClient,
  ) {}

  check(): Promise<HealthIndicatorResult> {
    return probe(this.indicators, 'upstream', () => this.upstream.ping(PROBE_TIMEOUT_MS));
  }
}
