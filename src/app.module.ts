import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { BlobModule } from './blob/blob.module';
import { AppConfig } from './config/app-config';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { PregenModule } from './pregen/pregen.module';
import { ScheduleModule } from './schedule/schedule.module';

@Module({})
export class AppModule {
  /** The configuration is validated before Nest starts and handed in, never read from env here. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
      imports: [AuthModule, MetricsModule, BlobModule, ScheduleModule, PregenModule, HealthModule],
    };
  }
}
