import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { FeaturesModule } from '../features/features.module';
import { MetricsService } from '../metrics/metrics.service';
import { PregenModule } from '../pregen/pregen.module';
import { RefreshModule } from '../refresh/refresh.module';
import { CacheWarmUp } from './cache-warm-up.service';
import { DocumentCache } from './document-cache';
import { ScheduleResponder } from './schedule-responder';
import { ScheduleViews } from './schedule-views.service';
import { ScheduleRoute } from './schedule.route';
import { ScheduleService } from './schedule.service';
import { UpstreamReads } from './upstream-reads.service';
import { SwitchesModule } from '../switches/switches.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { BlobModule } from '../blob/blob.module';
import { MetricsModule } from '../metrics/metrics.module';

/** The read side: GET /api/dr-schedule, cache-first, and views of the documents. */
@Module({
  imports: [
    MetricsModule,
    BlobModule,
    AuthModule,
    FeaturesModule,
    RefreshModule,
    PregenModule,
    SwitchesModule,
    UpstreamModule,
  ],
  providers: [
    ScheduleService,
    UpstreamReads,
    ScheduleRoute,
    ScheduleResponder,
    ScheduleViews,
    CacheWarmUp,
    {
      provide: DocumentCache,
      inject: [AppConfig, MetricsService],
      useFactory: (config: AppConfig, metrics: MetricsService) => {
        const cache = new DocumentCache(config.cache.memoryBytes);
        metrics.observeMemoryCache(() => cache.size);
        return cache;
      },
    },
  ],
  // Readiness waits for the warm-up.
  exports: [CacheWarmUp],
})
export class ScheduleModule {}
