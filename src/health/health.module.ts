import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BlobHealthIndicator } from './blob.health';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [BlobHealthIndicator],
})
export class HealthModule {}
