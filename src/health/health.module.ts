import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PregenModule } from '../pregen/pregen.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { DependencyHealth } from './dependency.health';
import { DrainState } from './drain-state';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule, PregenModule, UpstreamModule],
  controllers: [HealthController],
  providers: [DependencyHealth, DrainState],
})
export class HealthModule {}
