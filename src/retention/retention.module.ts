import { Module } from '@nestjs/common';
import { BlobModule } from '../blob/blob.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ScheduleRetention } from './schedule-retention.service';

/** Deleting what is past RETENTION_DAYS; the pre-generation queue runs it once a day. */
@Module({
  imports: [BlobModule, MetricsModule],
  providers: [ScheduleRetention],
  exports: [ScheduleRetention],
})
export class RetentionModule {}
