import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CoordinationModule } from '../coordination/coordination.module';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { BoundedUpstreamClient } from './bounded-upstream.client';
import { ThreadedUpstreamClient } from './threaded-upstream.client';
import { UpstreamClient } from './upstream.client';
import { UpstreamSlots } from './upstream-slots';

@Module({
  imports: [MetricsModule, CoordinationModule],
  providers: [
    ThreadedUpstreamClient,
    {
      provide: UpstreamClient,
      inject: [ThreadedUpstreamClient, UpstreamSlots, MetricsService, AppConfig],
      useFactory: (
        threaded: ThreadedUpstreamClient,
        slots: UpstreamSlots,
        metrics: MetricsService,
        config: AppConfig,
      ) => new BoundedUpstreamClient(threaded, slots, metrics, config.upstream.queueTimeoutMs),
    },
  ],
  exports: [UpstreamClient],
})
export class UpstreamModule {}
