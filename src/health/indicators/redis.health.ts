import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RedisClientService } from '../../redis/redis-client.service';
import { probe } from './probe';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisClientService,
  ) {}

  check(): Promise<HealthIndicatorResult> {
    return probe(this.indicators, 'redis', () => this.redis.ping());
  }
}
