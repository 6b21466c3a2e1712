import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/**
 * Down from the moment shutdown begins (onModuleDestroy runs before jobs are drained and before
 * the server closes), so readiness fails while the load balancer still routes to this pod.
 */
@Injectable()
export class ShutdownHealthIndicator implements OnModuleDestroy {
  private draining = false;

  constructor(private readonly indicators: HealthIndicatorService) {}

  onModuleDestroy(): void {
    this.draining = true;
  }

  check(): HealthIndicatorResult {
    const indicator = this.indicators.check('shutdown');
    return this.draining ? indicator.down({ message: 'draining' }) : indicator.up();
  }
}
