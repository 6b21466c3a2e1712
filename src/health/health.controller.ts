import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { DependencyHealth } from './dependency.health';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealth,
  ) {}

  /** The process answers: never a dependency, so an outage does not restart pods. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Can this pod serve reads? Redis alone being down keeps it ready; draining does not. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.dependencies.checkNotDraining(),
      () => this.dependencies.checkReads(),
    ]);
  }

  /** Everything, for humans: 503 when any dependency is down. */
  @Get()
  @HealthCheck()
  details(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.dependencies.checkBlob(),
      () => this.dependencies.checkUpstream(),
      () => this.dependencies.checkRedis(),
      () => this.dependencies.checkQueue(),
      () => this.dependencies.checkPregen(),
    ]);
  }
}
