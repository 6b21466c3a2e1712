import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BlobStorage } from '../blob/blob.storage';
import { errorMessage } from '../common/error-message';
import { withTimeout } from '../common/with-timeout';
import { PregenService } from '../pregen/pregen.service';
import { UpstreamClient } from '../upstream/upstream.client';
import { DrainState } from './drain-state';

const TIMEOUT_MS = 2_000;
const PROBE_BLOB = 'health/probe';

/** One indicator per dependency, each bounded by a short timeout; a failure is `down`, never a throw. */
@Injectable()
export class DependencyHealth {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly storage: BlobStorage,
    private readonly upstream: UpstreamClient,
    private readonly pregen: PregenService,
    private readonly drain: DrainState,
  ) {}

  // A read of an absent blob proves the account, container and credentials answer.
  checkBlob(): Promise<HealthIndicatorResult> {
    return this.probe('blob', () => this.storage.read(PROBE_BLOB));
  }

  checkUpstream(): Promise<HealthIndicatorResult> {
    return this.probe('upstream', () => this.upstream.ping(TIMEOUT_MS));
  }

  checkRedis(): Promise<HealthIndicatorResult> {
    return this.probe('redis', () => this.pregen.pingRedis());
  }

  async checkQueue(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('queue');
    try {
      return indicator.up(await withTimeout(this.pregen.counts(), TIMEOUT_MS, 'queue'));
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }

  /** Age of each pre-generated date's last successful refresh: information, never down. */
  async checkPregen(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('pregen');
    try {
      return indicator.up({ lastSuccess: await this.pregen.lastSuccessByDate() });
    } catch (error) {
      return indicator.up({ message: errorMessage(error) });
    }
  }

  checkNotDraining(): HealthIndicatorResult {
    const indicator = this.indicators.check('shutdown');
    return this.drain.draining ? indicator.down({ message: 'draining' }) : indicator.up();
  }

  /** Reads can be served while blob storage or the upstream answers: either one is enough. */
  async checkReads(): Promise<HealthIndicatorResult> {
    const [blob, upstream] = await Promise.all([this.checkBlob(), this.checkUpstream()]);
    const details = { ...blob, ...upstream };
    const indicator = this.indicators.check('reads');
    return blob.blob.status === 'up' || upstream.upstream.status === 'up'
      ? indicator.up(details)
      : indicator.down(details);
  }

  private async probe(key: string, run: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(run(), TIMEOUT_MS, key);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }
}
