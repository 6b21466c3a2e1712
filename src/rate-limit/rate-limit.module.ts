import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  getOptionsToken,
  getStorageToken,
  ThrottlerModuleOptions,
  ThrottlerOptions,
} from '@nestjs/throttler';
import { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { RateLimitName } from '../metrics/metric-names';
import { clientTracker } from './client-tracker';
import { RateLimitGuard } from './rate-limit.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const MINUTE_MS = 60_000;

// The matched route, not the raw URL: probes, scrapers, docs and the queue UI are never limited.
const PATHS: Record<RateLimitName, string> = { api: '/api/', admin: '/api/admin/' };

/** Per-client limits on /api shared by every replica; none configured, no guard at all. */
@Module({})
export class RateLimitModule {
  static forRoot(config: AppConfig): DynamicModule {
    const limits: Record<RateLimitName, number> = {
      api: config.rateLimit.perMinute,
      admin: config.rateLimit.adminPerMinute,
    };
    const throttlers = (Object.keys(limits) as RateLimitName[])
      .filter((name) => limits[name] > 0)
      .map((name): ThrottlerOptions => ({
        name,
        limit: limits[name],
        ttl: MINUTE_MS,
        skipIf: (context) => !routeOf(context.switchToHttp().getRequest()).startsWith(PATHS[name]),
      }));
    if (throttlers.length === 0) {
      return { module: RateLimitModule };
    }
    const options: ThrottlerModuleOptions = {
      throttlers,
      setHeaders: false,
      getTracker: (request) => clientTracker(request as FastifyRequest),
      // One budget per client across every route of a limit (the default is per route).
      generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    };
    return {
      module: RateLimitModule,
      providers: [
        { provide: getOptionsToken(), useValue: options },
        { provide: getStorageToken(), useClass: RedisThrottlerStorage },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
    };
  }
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url;
}
