import { Module } from '@nestjs/common';
import { RedisModule } from '../redis/redis.module';
import { UpstreamSlots } from '../upstream/upstream-slots';
import { RedisRefreshCoordinator } from './redis-refresh.coordinator';
import { RedisUpstreamSlots } from './redis-upstream-slots';
import { RefreshCoordinator } from './refresh-coordinator';

@Module({
  imports: [RedisModule],
  providers: [
    { provide: RefreshCoordinator, useClass: RedisRefreshCoordinator },
    { provide: UpstreamSlots, useClass: RedisUpstreamSlots },
  ],
  exports: [RefreshCoordinator, UpstreamSlots],
})
export class CoordinationModule {}
