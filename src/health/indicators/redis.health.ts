import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { RedisClientService } from '../../redis/redis-client.service';
import { DependencyProbe } from './probe';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly probe: DependencyProbe,
    private readonly redis: RedisClientService,
  ) {}

  check(): Promise<HealthIndicatorResult> {
    return this.probe.check('redis', () => this.redis.ping());
  }
}
