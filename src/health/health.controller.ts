import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { ApiJson } from '../docs/decorators';
import { HEALTH_SCHEMA } from '../docs/schemas';
import { BlobHealthIndicator } from './indicators/blob.health';
import { PregenHealthIndicator } from './indicators/pregen.health';
import { QueueHealthIndicator } from './indicators/queue.health';
import { ReadsHealthIndicator } from './indicators/reads.health';
import { RedisHealthIndicator } from './indicators/redis.health';
import { ShutdownHealthIndicator } from './indicators/shutdown.health';
import { UpstreamHealthIndicator } from './indicators/upstream.health';
import { WarmUpHealthIndicator } from './indicators/warm-up.health';

@ApiTags('health')
@ApiJson(200, 'Healthy.', HEALTH_SCHEMA)
@ApiJson(503, 'Unhealthy, or shutting down.', HEALTH_SCHEMA)
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly shutdown: ShutdownHealthIndicator,
    private readonly reads: ReadsHealthIndicator,
    private readonly blob: BlobHealthIndicator,
    private readonly upstream: UpstreamHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly queue: QueueHealthIndicator,
    private readonly pregen: PregenHealthIndicator,
    private readonly warmUp: WarmUpHealthIndicator,
  ) {}

  /** The process answers: never a dependency, so an outage does not restart pods. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Can this pod serve reads? Redis alone being down keeps it ready; warming up or draining does not. */
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: warm-up over and blob storage or the upstream answers; 503 while draining',
  })
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.shutdown.check(),
      () => this.warmUp.check(),
      () => this.reads.check(),
    ]);
  }

  /** Everything, for humans: 503 when any dependency is down. */
  @Get()
  @ApiOperation({ summary: 'Every dependency, queue counts and pre-generation ages' })
  @HealthCheck()
  details(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.blob.check(),
      () => this.upstream.check(),
      () => this.redis.check(),
      () => this.queue.check(),
      () => this.pregen.check(),
    ]);
  }
}
