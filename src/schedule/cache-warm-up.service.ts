import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import { mapLimit } from '../common/map-limit';
import { AppConfig } from '../config/app-config';
import { pregenDates } from '../domain/pregen-dates';
import { ScheduleDate } from '../domain/schedule-key';
import { MetricsService } from '../metrics/metrics.service';
import { ScheduleRefreshService } from '../refresh/schedule-refresh.service';
import { DocumentCache } from './document-cache';
import { ScheduleService } from './schedule.service';

// Enough reads in flight to hide blob latency, few enough to leave a starting pod's CPU to boot.
const WARM_UP_CONCURRENCY = 16;

/** running: readiness waits; the others: ready (off = nothing to load, or WARMUP_TIMEOUT_MS=0). */
export type WarmUpState = 'running' | 'complete' | 'memory full' | 'timed out' | 'off';

/**
 * Loads the window's stored documents into memory before the replica reports ready, today first:
 * the nearer a date, the more it is read, so a bound that cannot hold the window keeps those.
 */
@Injectable()
export class CacheWarmUp implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CacheWarmUp.name);
  private current: WarmUpState = 'running';
  private stopped = false;
  private documents = 0;
  private failures = 0;

  constructor(
    private readonly schedule: ScheduleService,
    private readonly refresher: ScheduleRefreshService,
    private readonly cache: DocumentCache,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  get progress(): { state: WarmUpState; documents: number } {
    return { state: this.current, documents: this.documents };
  }

  /** Started, not awaited: the server listens meanwhile and answers 503 on readiness. */
  onApplicationBootstrap(): void {
    const timeoutMs = this.config.cache.warmUpTimeoutMs;
    if (timeoutMs === 0 || !this.cache.enabled) {
      this.current = 'off';
      return;
    }
    const startedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<WarmUpState>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), timeoutMs);
    });
    void Promise.race([this.load(), timedOut]).then((state) => {
      clearTimeout(timer);
      this.stopped = true;
      this.current = state;
      const seconds = (performance.now() - startedAt) / 1000;
      this.metrics.recordWarmUp(seconds, this.documents);
      const summary = {
        state,
        documents: this.documents,
        failures: this.failures,
        seconds: Number(seconds.toFixed(3)),
      };
      if (state === 'timed out') {
        this.logger.warn({
          msg: `warm-up timed out after ${timeoutMs} ms: ready anyway`,
          ...summary,
        });
      } else {
        this.logger.log({ msg: 'warm-up finished', ...summary });
      }
    });
  }

  /** A replica shutting down stops loading. */
  onModuleDestroy(): void {
    this.stopped = true;
  }

  private async load(): Promise<WarmUpState> {
    const { timeZone, days } = this.config.pregen;
    for (const date of pregenDates(new Date(), timeZone, days)) {
      if (await this.loadDate(date)) {
        return 'memory full';
      }
      if (this.stopped) {
        break;
      }
    }
    return 'complete';
  }

  /** Loads the documents the date's manifest lists; true when memory could take no more. */
  private async loadDate(date: ScheduleDate): Promise<boolean> {
    let manifest;
    try {
      manifest = await this.refresher.readManifest(date);
    } catch (error) {
      this.failures += 1;
      this.logger.warn(`Warm-up skipped ${date}: manifest unreadable: ${errorMessage(error)}`);
      return false;
    }
    if (!manifest) {
      return false;
    }
    let full = false;
    await mapLimit([...manifest.companies.keys()], WARM_UP_CONCURRENCY, async (companyId) => {
      if (this.stopped || full) {
        return;
      }
      try {
        const outcome = await this.schedule.preload({ companyId, date }, manifest);
        full ||= outcome === 'full';
        this.documents += Number(outcome === 'loaded');
      } catch (error) {
        this.failures += 1;
        this.logger.debug(`Warm-up of ${date}/${companyId} failed: ${errorMessage(error)}`);
      }
    });
    return full;
  }
}
