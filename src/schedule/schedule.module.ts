import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CoordinationModule } from '../coordination/coordination.module';
import { DocumentCache } from './document-cache';
import { UpstreamModule } from '../upstream/upstream.module';
import { ScheduleRefreshService } from './schedule-refresh.service';
import { ScheduleController } from './schedule.controller';
import { ScheduleService } from './schedule.service';

@Module({
  imports: [UpstreamModule, CoordinationModule],
  controllers: [ScheduleController],
  providers: [
    ScheduleService,
    ScheduleRefreshService,
    {
      provide: DocumentCache,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new DocumentCache(config.cache.memoryBytes),
    },
  ],
  exports: [ScheduleRefreshService],
})
export class ScheduleModule {}
