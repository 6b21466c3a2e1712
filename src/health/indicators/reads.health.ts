import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BlobHealthIndicator } from './blob.health';
import { UpstreamHealthIndicator } from './upstream.health';

@Injectable()
export class ReadsHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly blob: BlobHealthIndicator,
    private readonly upstream: UpstreamHealthIndicator,
  ) {}

  /** Reads can be served while blob storage or the upstream answers: either one is enough. */
  async check(): Promise<HealthIndicatorResult> {
    const [blob, upstream] = await Promise.all([this.blob.check(), this.upstream.check()]);
    const details = { ...blob, ...upstream };
    const indicator = this.indicators.check('reads');
    return blob.blob.status === 'up' || upstream.upstream.status === 'up'
      ? indicator.up(details)
      : indicator.down(details);
  }
}
