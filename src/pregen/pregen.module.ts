import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { ScheduleModule as CronModule } from '@nestjs/schedule';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { RefreshRequests } from '../refresh/refresh-requests';
import { ScheduleModule } from '../schedule/schedule.module';
import { UsersModule } from '../users/users.module';
import { CycleSummaryService } from './cycle-summary.service';
import { PregenAdminController } from './pregen-admin.controller';
import { PREGEN_QUEUE } from './pregen.jobs';
import { PregenProcessor } from './pregen.processor';
import { PregenScheduler } from './pregen.scheduler';
import { PregenService } from './pregen.service';
import { QueueBoard } from './queue-board';

const DAY_S = 86_400;

// Global so the read path can queue refreshes of stale dates without importing this module.
@Global()
@Module({
  imports: [
    CronModule.forRoot(),
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        url: config.redisUrl,
        prefix: config.queuePrefix,
        settings: {
          lockDuration: config.pregen.lockMs,
          lockRenewTime: Math.floor(config.pregen.lockMs / 2),
          stalledInterval: config.pregen.stalledCheckMs,
        },
        defaultJobOptions: {
          attempts: config.pregen.attempts,
          backoff: { type: 'exponential', delay: config.pregen.backoffMs },
          // Finished jobs stay long past any replica clock skew (their ids dedupe cron cycles)
          // and bounded, so Redis does not grow without end.
          removeOnComplete: { age: DAY_S, count: 2_000 },
          removeOnFail: { age: 7 * DAY_S, count: 2_000 },
        },
      }),
    }),
    BullModule.registerQueue({ name: PREGEN_QUEUE }),
    AuthModule,
    ScheduleModule,
    UsersModule,
  ],
  controllers: [PregenAdminController],
  providers: [
    PregenService,
    PregenProcessor,
    PregenScheduler,
    CycleSummaryService,
    QueueBoard,
    { provide: RefreshRequests, useExisting: PregenService },
  ],
  exports: [PregenService, RefreshRequests],
})
export class PregenModule {}
