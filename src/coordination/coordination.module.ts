import { Module } from '@nestjs/common';
import { RedisModule } from '../redis/redis.module';
import { RedisRefreshCoordinator } from './redis-refresh.coordinator';
import { RefreshCoordinator } from './refresh-coordinator';

@Module({
  imports: [RedisModule],
  providers: [{ provide: RefreshCoordinator, useClass: RedisRefreshCoordinator }],
  exports: [RefreshCoordinator],
})
export class CoordinationModule {}
