import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { FastifyReply } from 'fastify';
import { RateLimitName } from '../metrics/metric-names';
import { MetricsService } from '../metrics/metrics.service';

export class TooManyRequestsException extends HttpException {
  constructor(limit: number, retryAfterS: number) {
    super(
      { message: `Too many requests: at most ${limit} a minute; retry after ${retryAfterS} s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** @nestjs/throttler's guard answering 429 as the rest of the API answers errors, counted. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly metrics: MetricsService,
  ) {
    super(options, storage, reflector);
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(request);
    } catch (error) {
      if (error instanceof TooManyRequestsException) {
        this.metrics.recordThrottled(request.throttler.name as RateLimitName);
      }
      throw error;
    }
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfterS = Math.max(1, detail.timeToBlockExpire);
    void context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .header('retry-after', String(retryAfterS));
    throw new TooManyRequestsException(detail.limit, retryAfterS);
  }
}
