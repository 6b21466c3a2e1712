import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import Bull, { QueueOptions } from 'bull';
import { AppConfig } from '../config/app-config';
import { RedisClientService } from '../redis/redis-client.service';
import { RedisModule } from '../redis/redis.module';
import { PREGEN_CONTROL_QUEUE, PREGEN_QUEUE } from './pregen.jobs';

const DAY_S = 86_400;

function queueOptions(config: AppConfig): QueueOptions {
  return {
    settings: {
      lockDuration: config.pregen.lockMs,
      lockRenewTime: Math.floor(config.pregen.lockMs / 2),
      stalledInterval: config.pregen.stalledCheckMs,
      retryProcessDelay: config.pregen.fetchRetryMs,
    },
    defaultJobOptions: {
      attempts: config.pregen.attempts,
      backoff: { type: 'exponential', delay: config.pregen.backoffMs },
      // Finished jobs stay long past any replica clock skew (their ids dedupe cron cycles)
      // and bounded, so Redis does not grow without end.
      removeOnComplete: { age: DAY_S, count: 2_000 },
      removeOnFail: { age: 7 * DAY_S, count: 2_000 },
    },
  };
}

/**
 * The Bull queue of pre-generation jobs, registered once: the worker's handle (PREGEN_QUEUE) and
 * the handle of producers and operators (PREGEN_CONTROL_QUEUE), the same queue in Redis.
 */
@Module({
  imports: [
    RedisModule,
    BullModule.forRootAsync({
      imports: [RedisModule],
      inject: [AppConfig, RedisClientService],
      useFactory: (config: AppConfig, redis: RedisClientService) => ({
        ...redis.bullConnection(),
        ...queueOptions(config),
      }),
    }),
    BullModule.registerQueue({ name: PREGEN_QUEUE }),
  ],
  providers: [
    {
      provide: PREGEN_CONTROL_QUEUE,
      inject: [AppConfig, RedisClientService],
      // Only the command connection is ever used (no worker, no events); RedisClientService
      // closes it. Bull's own connections would queue commands while Redis is down.
      useFactory: (config: AppConfig, redis: RedisClientService) =>
        new Bull(PREGEN_QUEUE, {
          prefix: redis.bullConnection().prefix,
          ...queueOptions(config),
          createClient: (type) => {
            if (type !== 'client') {
              throw new Error(`The control queue opens no ${type} connection`);
            }
            return redis.client('queue-control');
          },
        }),
    },
  ],
  exports: [BullModule, PREGEN_CONTROL_QUEUE],
})
export class PregenQueueModule {}
