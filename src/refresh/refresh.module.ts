import { Module } from '@nestjs/common';
import { CoordinationModule } from '../coordination/coordination.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { DateFreshness } from './date-freshness.service';
import { ScheduleRefreshService } from './schedule-refresh.service';
import { BlobModule } from '../blob/blob.module';

/** The write side: one refresh of a date stores every company's document and the manifest. */
@Module({
  imports: [BlobModule, UpstreamModule, CoordinationModule],
  providers: [ScheduleRefreshService, DateFreshness],
  exports: [ScheduleRefreshService, DateFreshness, CoordinationModule],
})
export class RefreshModule {}
