import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { RedisModule } from '../redis/redis.module';
import { OperatorSwitches } from './operator-switches.service';
import { SwitchesAdminController } from './switches-admin.controller';

/** Run-time switches shared by every replica: pause of the cron cycle, and the serve mode. */
@Module({
  imports: [RedisModule, MetricsModule],
  controllers: [SwitchesAdminController],
  providers: [OperatorSwitches],
  exports: [OperatorSwitches],
})
export class SwitchesModule {}
