import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { RedisModule } from '../redis/redis.module';
import { RateLimitHook } from './rate-limit.hook';
import { RATE_LIMITS, RateLimit, RateLimiter, RateLimits } from './rate-limiter';
import { RedisRateLimitStore } from './redis-rate-limit.store';
import { MetricsModule } from '../metrics/metrics.module';

/** Per-client limits on every route that takes a credential, shared by every replica; none configured, no hook at all. */
@Module({})
export class RateLimitModule {
  static forRoot(config: AppConfig): DynamicModule {
    const { perMinute, adminPerMinute, failedAuthPerMinute } = config.rateLimit;
    const configured = (limits: RateLimit[]) => limits.filter(({ limit }) => limit > 0);
    const all = configured([
      { name: 'api', limit: perMinute, path: '/api/' },
      { name: 'admin', limit: adminPerMinute, path: '/api/admin/' },
    ]);
    // The queue UI's credential routes included: the failed-auth budget applies to each of them.
    const failedAuth = configured([{ name: 'failed-auth', limit: failedAuthPerMinute, path: '/' }]);
    if (all.length === 0 && failedAuth.length === 0) {
      return { module: RateLimitModule };
    }
    const limits: RateLimits = { all, failedAuth: [...failedAuth, ...all] };
    return {
      module: RateLimitModule,
      imports: [RedisModule, MetricsModule, AuthModule],
      providers: [
        { provide: RATE_LIMITS, useValue: limits },
        RedisRateLimitStore,
        RateLimiter,
        RateLimitHook,
      ],
    };
  }
}
