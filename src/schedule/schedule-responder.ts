import { Injectable } from '@nestjs/common';
import { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Principal } from '../auth/principal';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { CachedDocument, Encoding } from './document-cache';
import { isNotModified, negotiateEncoding } from './http-caching';
import { SCHEDULE_CONTENT_TYPE } from '../domain/schedule-document';
import { ScheduleKey } from '../domain/schedule-key';
import { CacheState, ScheduleAnswer } from './schedule.service';

/** What to send for an answer: status, headers, and which coding of the body (none for 304). */
export interface PreparedAnswer {
  readonly status: 200 | 304;
  readonly headers: Record<string, string>;
  readonly encoding: Encoding | null;
  readonly notModified: boolean;
}

const RESULTS = { HIT: 'hit', STALE: 'stale', MISS: 'miss', BYPASS: 'bypass' } as const;
const STATES: readonly CacheState[] = ['HIT', 'STALE', 'MISS'];
const ENCODINGS: readonly (Encoding | null)[] = [null, 'br', 'gzip'];

/** The HTTP side of a schedule answer: conditional requests, coding, caching headers, metrics, log. */
@Injectable()
export class ScheduleResponder {
  private readonly cacheControl: string;
  private readonly vary: string;
  private readonly variants = new WeakMap<CachedDocument, Record<string, string>[]>();

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    // Clients may reuse a copy as long as this service would call it fresh (see `Age`).
    this.cacheControl = `private, max-age=${config.cache.maxAgeSeconds}`;
    // These headers replace the CORS hook's `Vary: Origin`, so they carry it along.
    const cors = config.http.corsOrigins.length > 0;
    this.vary = `${cors ? 'Origin, ' : ''}Accept-Encoding, Authorization`;
  }

  prepare(request: IncomingHttpHeaders, { document, state }: ScheduleAnswer): PreparedAnswer {
    const encoding = negotiateEncoding(request['accept-encoding'], document);
    if (state === 'BYPASS') {
      return { status: 200, headers: this.bypassHeaders(encoding), encoding, notModified: false };
    }
    const notModified = isNotModified(request, document);
    const age = Math.max(0, Math.floor((Date.now() - document.freshAt) / 1000));
    const headers = {
      ...this.fixedHeaders(document, state, encoding, notModified),
      age: String(age),
    };
    return { status: notModified ? 304 : 200, headers, encoding, notModified };
  }

  /** An answer's headers but `Age`, made once per document and variant so a hit builds none. */
  private fixedHeaders(
    document: CachedDocument,
    state: CacheState,
    encoding: Encoding | null,
    notModified: boolean,
  ): Readonly<Record<string, string>> {
    let variants = this.variants.get(document);
    if (!variants) {
      variants = [];
      this.variants.set(document, variants);
    }
    const slot =
      (ENCODINGS.indexOf(encoding) * STATES.length + STATES.indexOf(state)) * 2 +
      Number(notModified);
    let headers = variants[slot];
    if (!headers) {
      headers = {
        'content-type': SCHEDULE_CONTENT_TYPE,
        etag: document.etagFor(encoding),
        'last-modified': document.lastModified,
        'cache-control': this.cacheControl,
        vary: this.vary,
        'x-cache': state,
        ...(encoding && !notModified ? { 'content-encoding': encoding } : {}),
      };
      variants[slot] = headers;
    }
    return headers;
  }

  /** A fresh legacy answer nothing keeps: no validators, and no client may keep it either. */
  private bypassHeaders(encoding: Encoding | null): Record<string, string> {
    return {
      'content-type': SCHEDULE_CONTENT_TYPE,
      'cache-control': 'no-store',
      vary: this.vary,
      'x-cache': 'BYPASS',
      ...(encoding ? { 'content-encoding': encoding } : {}),
    };
  }

  /** Nothing stored and the refresh failed: counted; the caller answers the error. */
  recordFailure(startedAt: number): void {
    this.metrics.recordRequest('error', (performance.now() - startedAt) / 1000);
  }

  /** Counts the answer; what the request's log line says of it. */
  record(
    key: ScheduleKey,
    principal: Principal,
    { state }: ScheduleAnswer,
    { notModified, encoding }: PreparedAnswer,
    startedAt: number,
  ): Record<string, unknown> {
    this.metrics.recordRequest(RESULTS[state], (performance.now() - startedAt) / 1000, notModified);
    return { ...key, role: principal.role, cache: state, notModified, encoding };
  }
}
