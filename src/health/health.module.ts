import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PregenQueueModule } from '../pregen/pregen-queue.module';
import { RedisModule } from '../redis/redis.module';
import { RefreshModule } from '../refresh/refresh.module';
import { SwitchesModule } from '../switches/switches.module';

import { ScheduleModule } from '../schedule/schedule.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { HealthController } from './health.controller';
import { BlobHealthIndicator } from './indicators/blob.health';
import { PregenHealthIndicator } from './indicators/pregen.health';
import { QueueHealthIndicator } from './indicators/queue.health';
import { ReadsHealthIndicator } from './indicators/reads.health';
import { RedisHealthIndicator } from './indicators/redis.health';
import { ShutdownHealthIndicator } from './indicators/shutdown.health';
import { UpstreamHealthIndicator } from './indicators/upstream.health';
import { WarmUpHealthIndicator } from './indicators/warm-up.health';
import { CHECK_REUSE_MS, DependencyProbe } from './indicators/probe';
import { RecentOutcomes } from './recent-outcomes';
import { BlobModule } from '../blob/blob.module';

/** Kubernetes probes and the details page: one indicator per dependency. */
@Module({
  imports: [
    BlobModule,
    TerminusModule,
    RedisModule,
    PregenQueueModule,
    RefreshModule,
    UpstreamModule,
    SwitchesModule,

    ScheduleModule,
  ],
  controllers: [HealthController],
  providers: [
    BlobHealthIndicator,
    UpstreamHealthIndicator,
    RedisHealthIndicator,
    QueueHealthIndicator,
    PregenHealthIndicator,
    ReadsHealthIndicator,
    ShutdownHealthIndicator,
    WarmUpHealthIndicator,
    DependencyProbe,
    { provide: RecentOutcomes, useFactory: () => new RecentOutcomes({ reuseMs: CHECK_REUSE_MS }) },
  ],
})
export class HealthModule {}
