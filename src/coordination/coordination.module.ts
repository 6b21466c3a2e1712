import { Module } from '@nestjs/common';
import { RedisRefreshCoordinator } from './redis-refresh.coordinator';
import { RefreshCoordinator } from './refresh-coordinator';

@Module({
  providers: [{ provide: RefreshCoordinator, useClass: RedisRefreshCoordinator }],
  exports: [RefreshCoordinator],
})
export class CoordinationModule {}
