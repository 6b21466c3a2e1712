import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisClientService } from '../redis/redis-client.service';
import { RedisModule } from '../redis/redis.module';
import { PREGEN_QUEUE } from './pregen.jobs';

const DAY_S = 86_400;

/** The Bull queue of pre-generation jobs, registered once: producers, the worker, health. */
@Module({
  imports: [
    BullModule.forRootAsync({
      imports: [RedisModule],
      inject: [AppConfig, RedisClientService],
      useFactory: (config: AppConfig, redis: RedisClientService) => ({
        ...redis.bullConnection(),
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
  ],
  exports: [BullModule],
})
export class PregenQueueModule {}
