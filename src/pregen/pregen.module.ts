import { Module } from '@nestjs/common';
import { ScheduleModule as CronModule } from '@nestjs/schedule';
import { AuthModule } from '../auth/auth.module';
import { RedisModule } from '../redis/redis.module';
import { RefreshModule } from '../refresh/refresh.module';
import { RefreshRequests } from '../refresh/refresh-requests';
import { SwitchesModule } from '../switches/switches.module';

import { RetentionModule } from '../retention/retention.module';
import { UsersModule } from '../users/users.module';
import { CycleHistory } from './cycle-history.service';
import { CycleSummaryService } from './cycle-summary.service';
import { PregenAdminController } from './pregen-admin.controller';
import { PregenJobs } from './pregen-jobs.service';
import { PregenQueue } from './pregen-queue.service';
import { PregenQueueModule } from './pregen-queue.module';
import { PregenProcessor } from './pregen.processor';
import { PregenScheduler } from './pregen.scheduler';
import { QueueBoard } from './queue-board';
import { UsersSyncAdminController } from './users-sync-admin.controller';
import { MetricsModule } from '../metrics/metrics.module';

/** Pre-generation: cron ticks enqueue, the worker refreshes dates, operators steer the queue. */
@Module({
  imports: [
    MetricsModule,
    CronModule.forRoot(),
    PregenQueueModule,
    RedisModule,
    AuthModule,
    RefreshModule,
    RetentionModule,
    UsersModule,
    SwitchesModule,
  ],
  controllers: [PregenAdminController, UsersSyncAdminController],
  providers: [
    PregenQueue,
    PregenJobs,
    PregenProcessor,
    PregenScheduler,
    CycleSummaryService,
    CycleHistory,
    QueueBoard,
    // The read path queues refreshes of stale dates through this port.
    { provide: RefreshRequests, useExisting: PregenQueue },
  ],
  exports: [PregenQueue, RefreshRequests],
})
export class PregenModule {}
