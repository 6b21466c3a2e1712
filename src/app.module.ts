import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import { BlobModule } from './blob/blob.module';
import { AppConfig } from './config/app-config';
import { FeaturesModule } from './features/features.module';
import { HealthModule } from './health/health.module';
import { ErrorAnswerFilter } from './http/error-answer';
import { ROOT_LOGGER } from './logging/logger';
import { MetricsModule } from './metrics/metrics.module';
import { PregenModule } from './pregen/pregen.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { ScheduleModule } from './schedule/schedule.module';

@Module({})
export class AppModule {
  /** The configuration is validated before Nest starts and handed in, never read from env here. */
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: ROOT_LOGGER, useValue: logger },
        // One error body for every route: {"message": ...}.
        { provide: APP_FILTER, useClass: ErrorAnswerFilter },
      ],
      exports: [AppConfig, ROOT_LOGGER],
      imports: [
        MetricsModule,
        RateLimitModule.forRoot(config),
        AuthModule,
        BlobModule,
        FeaturesModule,
        ScheduleModule,
        PregenModule,
        HealthModule,
      ],
    };
  }
}
