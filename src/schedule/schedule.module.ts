import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { CoordinationModule } from '../coordination/coordination.module';
import { DocumentCache } from './document-cache';
import { FeaturesModule } from '../features/features.module';
import { ScheduleViews } from './schedule-views.service';
import { MetricsService } from '../metrics/metrics.service';
import { UpstreamModule } from '../upstream/upstream.module';
import { ScheduleRefreshService } from '../refresh/schedule-refresh.service';
import { ScheduleResponder } from './schedule-responder';
import { ScheduleRoute } from './schedule.route';
import { ScheduleService } from './schedule.service';

@Module({
  imports: [AuthModule, UpstreamModule, CoordinationModule, FeaturesModule],
  providers: [
    ScheduleService,
    ScheduleRoute,
    ScheduleResponder,
    ScheduleRefreshService,
    ScheduleViews,
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
  exports: [ScheduleRefreshService],
})
export class ScheduleModule {}
