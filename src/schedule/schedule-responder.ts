import { Injectable } from '@nestjs/common';
import { FastifyBaseLogger } from 'fastify';
import { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Principal } from '../auth/principal';
import { AppConfig } from '../config/app-config';
import { logsDebug } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import { Encoding } from './document-cache';
import { isNotModified, negotiateEncoding } from './http-caching';
import { SCHEDULE_CONTENT_TYPE } from './schedule-document';
import { ScheduleKey } from './schedule-key';
import { ScheduleAnswer } from './schedule.service';

/** What to send for an answer: status, headers, and which coding of the body (none for 304). */
export interface PreparedAnswer {
  readonly status: 200 | 304;
  readonly headers: Record<string, string>;
  readonly encoding: Encoding | null;
  readonly notModified: boolean;
}

const RESULTS = { HIT: 'hit', STALE: 'stale', MISS: 'miss' } as const;

/**
 * The HTTP side of a schedule answer, one piece of code for both ways a request is served (the
 * Fastify route and the hit lane): conditional requests, coding, caching headers, metrics, log.
 */
@Injectable()
export class ScheduleResponder {
  private readonly cacheControl: string;
  private readonly hitsLogged: boolean;

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    // Clients may reuse a copy as long as this service would call it fresh (see `Age`).
    this.cacheControl = `private, max-age=${config.cache.maxAgeSeconds}`;
    this.hitsLogged = logsDebug(config.logLevel);
  }

  prepare(request: IncomingHttpHeaders, { document, state }: ScheduleAnswer): PreparedAnswer {
    const encoding = negotiateEncoding(request['accept-encoding'], document);
    const notModified = isNotModified(request, document);
    const age = Math.max(0, Math.floor((Date.now() - document.freshAt) / 1000));
    const headers: Record<string, string> = {
      'content-type': SCHEDULE_CONTENT_TYPE,
      etag: document.etagFor(encoding),
      'last-modified': document.lastModified,
      'cache-control': this.cacheControl,
      vary: 'Accept-Encoding, Authorization',
      age: String(age),
      'x-cache': state,
    };
    if (encoding && !notModified) {
      headers['content-encoding'] = encoding;
    }
    return { status: notModified ? 304 : 200, headers, encoding, notModified };
  }

  /** Nothing stored and the refresh failed: counted, logged, and the error answered by the caller. */
  recordFailure(log: FastifyBaseLogger, key: ScheduleKey, startedAt: number): void {
    const seconds = (performance.now() - startedAt) / 1000;
    this.metrics.recordRequest('error', seconds);
    log.warn(
      { ...key, source: 'upstream', durationMs: Math.round(seconds * 1000) },
      'schedule failed',
    );
  }

  /** Counts the answer and logs it: hits at debug (counted by /metrics), the rest at info. */
  record(
    log: () => FastifyBaseLogger,
    key: ScheduleKey,
    principal: Principal,
    { state }: ScheduleAnswer,
    { notModified, encoding }: PreparedAnswer,
    startedAt: number,
  ): void {
    const seconds = (performance.now() - startedAt) / 1000;
    this.metrics.recordRequest(RESULTS[state], seconds, notModified);
    // A line per hit at info would cost a fifth of a hit's CPU.
    if (state === 'HIT' && !this.hitsLogged) {
      return;
    }
    log()[state === 'HIT' ? 'debug' : 'info'](
      {
        ...key,
        role: principal.role,
        cache: state,
        notModified,
        encoding,
        durationMs: Math.round(seconds * 1000),
      },
      'schedule served',
    );
  }
}
