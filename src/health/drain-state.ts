import { Injectable, OnModuleDestroy } from '@nestjs/common';

/**
 * Set when shutdown begins (onModuleDestroy runs before jobs are drained and before the server
 * closes), so readiness fails while the load balancer still routes to this pod.
 */
@Injectable()
export class DrainState implements OnModuleDestroy {
  draining = false;

  onModuleDestroy(): void {
    this.draining = true;
  }
}
