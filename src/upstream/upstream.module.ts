import { Module } from '@nestjs/common';
import { ThreadedUpstreamClient } from './threaded-upstream.client';
import { UpstreamClient } from './upstream.client';
import { MetricsModule } from '../metrics/metrics.module';

@Module({
  imports: [MetricsModule],
  providers: [{ provide: UpstreamClient, useClass: ThreadedUpstreamClient }],
  exports: [UpstreamClient],
})
export class UpstreamModule {}
