import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisModule } from '../redis/redis.module';
import { RateLimitHook } from './rate-limit.hook';
import { RATE_LIMITS, RateLimit, RateLimiter } from './rate-limiter';
import { RedisRateLimitStore } from './redis-rate-limit.store';
import { MetricsModule } from '../metrics/metrics.module';

/** Per-client limits on /api shared by every replica; none configured, no hook at all. */
@Module({})
export class RateLimitModule {
  static forRoot(config: AppConfig): DynamicModule {
    const all: RateLimit[] = [
      { name: 'api', limit: config.rateLimit.perMinute, path: '/api/' },
      { name: 'admin', limit: config.rateLimit.adminPerMinute, path: '/api/admin/' },
    ];
    const limits = all.filter(({ limit }) => limit > 0);
    if (limits.length === 0) {
      return { module: RateLimitModule };
    }
    return {
      module: RateLimitModule,
      imports: [RedisModule, MetricsModule],
      providers: [
        { provide: RATE_LIMITS, useValue: limits },
        RedisRateLimitStore,
        RateLimiter,
        RateLimitHook,
      ],
    };
  }
}
