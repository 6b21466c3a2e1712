import { Module } from '@nestjs/common';
import { UpstreamModule } from '../upstream/upstream.module';
import { ScheduleRefreshService } from './schedule-refresh.service';
import { ScheduleController } from './schedule.controller';
import { ScheduleService } from './schedule.service';

@Module({
  imports: [UpstreamModule],
  controllers: [ScheduleController],
  providers: [ScheduleService, ScheduleRefreshService],
  exports: [ScheduleRefreshService],
})
export class ScheduleModule {}
