import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { parse as parseQueryString } from 'fast-querystring';
import { FastifyBaseLogger } from 'fastify';
import { IncomingMessage, ServerResponse } from 'node:http';
// The global `performance` is a getter on globalThis, run on every use; the import is not.
import { performance } from 'node:perf_hooks';
import { Authenticator } from '../auth/authenticator';
import { Principal } from '../auth/principal';
import { resolveCompanyId } from '../auth/tenant-access';
import { AppConfig } from '../config/app-config';
import { requestId } from '../http/request-id';
import { JSON_SECURITY_HEADERS } from '../http/security-headers';
import { logsDebug, requestLogger, ROOT_LOGGER } from '../logging/logger';
import { RateLimiter, Refusal } from '../rate-limit/rate-limiter';
import { PreparedAnswer, ScheduleResponder } from './schedule-responder';
import { ScheduleKey, ScheduleQuery, parseScheduleQuery } from './schedule-key';
import { ScheduleViews } from './schedule-views.service';
import { ScheduleAnswer, ScheduleService } from './schedule.service';
import { SCHEDULE_PATH } from './schedule.route';

const PATH_AND_QUERY = `${SCHEDULE_PATH}?`;
const JSON_TYPE = 'application/json; charset=utf-8';
// Clients ask for a few dates each: their query strings repeat, and parsing them is pure.
const PARSED_QUERIES_MAX = 1024;
// A valid query string is under 80 characters; longer ones are parsed but not kept.
const PARSED_QUERY_MAX_LENGTH = 128;

/** What the lane found for a request, to answer now or once the rate limiter agrees. */
interface Hit {
  readonly id: string;
  readonly key: ScheduleKey;
  readonly principal: Principal;
  readonly answer: ScheduleAnswer;
  readonly prepared: PreparedAnswer;
  /** Undefined for a 304. */
  readonly body: Buffer | undefined;
  readonly startedAt: number;
}

/**
 * Answers GET /api/dr-schedule in front of Fastify when everything it needs is in memory: a
 * caller known without waiting, a document (or view) held by this replica. That is nearly
 * every request, and Fastify's routing and hooks cost about a fifth of such an answer's CPU.
 * Anything else (unknown token, bad query, another company, a miss, a coding not compressed
 * yet, a CORS request, debug logging, shutdown) is left to the Fastify route, unanswered.
 * Answers are the route's: same headers, security headers and X-Request-Id, rate limits,
 * metrics and log lines.
 */
@Injectable()
export class ScheduleHitLane implements OnModuleDestroy {
  private open = true;
  private readonly cors: boolean;
  private readonly debugLogging: boolean;
  private readonly limiter: RateLimiter | undefined;
  private readonly parsedQueries = new Map<string, ScheduleQuery | null>();

  constructor(
    private readonly authenticator: Authenticator,
    private readonly views: ScheduleViews,
    private readonly schedules: ScheduleService,
    private readonly responder: ScheduleResponder,
    @Inject(ROOT_LOGGER) private readonly logger: FastifyBaseLogger,
    config: AppConfig,
    @Optional() limiter?: RateLimiter,
  ) {
    this.cors = config.http.corsOrigins.length > 0;
    // The route's log lines carry what a debugging operator expects from Fastify.
    this.debugLogging = logsDebug(config.logLevel);
    // RATE_LIMIT_PER_MINUTE=0 may leave only the admin limit, which never counts this path.
    this.limiter = limiter?.appliesTo(SCHEDULE_PATH) ? limiter : undefined;
  }

  /** From shutdown on, Fastify answers everything (it refuses new requests while closing). */
  onModuleDestroy(): void {
    this.open = false;
  }

  /** True when this lane answers the request; false leaves it, untouched, to Fastify. */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    const startedAt = performance.now();
    const url = request.url;
    if (
      !this.open ||
      this.debugLogging ||
      request.method !== 'GET' ||
      !url?.startsWith(PATH_AND_QUERY) ||
      // Rate limits count a request without credentials by its address, which TRUST_PROXY decides.
      request.headers.authorization === undefined ||
      (this.cors && request.headers.origin !== undefined)
    ) {
      return false;
    }
    const principal = this.authenticator.known(request.headers.authorization);
    const choice = principal && this.views.known(principal);
    if (!principal || !choice) {
      return false;
    }
    const query = this.parseQuery(url.slice(PATH_AND_QUERY.length));
    if (!query) {
      return false;
    }
    let key: ScheduleKey;
    try {
      key = { companyId: resolveCompanyId(principal, query.companyId), date: query.date };
    } catch {
      return false;
    }
    const answer = this.schedules.known(key, choice.view);
    if (!answer) {
      return false;
    }
    const prepared = this.responder.prepare(request.headers, answer);
    const body = prepared.notModified
      ? undefined
      : prepared.encoding
        ? answer.document.encodedNow(prepared.encoding)
        : answer.document.body;
    if (!prepared.notModified && body === undefined) {
      return false;
    }
    const hit: Hit = { id: requestId(request), key, principal, answer, prepared, body, startedAt };
    if (!this.limiter) {
      this.send(response, hit);
      return true;
    }
    // The limiter fails open itself; an unexpected error still answers rather than hangs.
    this.limiter
      .check(SCHEDULE_PATH, { headers: request.headers, ip: '' })
      .then(
        (refusal) => (refusal ? refuse(response, hit.id, refusal) : this.send(response, hit)),
        () => this.send(response, hit),
      )
      .catch((error: unknown) => {
        this.logger.error({ err: error, reqId: hit.id }, 'hit lane could not answer');
        response.destroy();
      });
    return true;
  }

  private send(response: ServerResponse, hit: Hit): void {
    const { id, prepared, body } = hit;
    // prepare() makes a new headers object for every answer: this one adds to it.
    prepared.headers['x-request-id'] = id;
    if (body) {
      prepared.headers['content-length'] = String(body.length);
    }
    response.writeHead(prepared.status, prepared.headers);
    response.end(body);
    const log = () => requestLogger(this.logger, id);
    this.responder.record(log, hit.key, hit.principal, hit.answer, prepared, hit.startedAt);
  }

  /** The parsed query, or null when it is not a valid one (the route then answers the 400). */
  private parseQuery(queryString: string): ScheduleQuery | null {
    let query = this.parsedQueries.get(queryString);
    if (query === undefined) {
      try {
        query = parseScheduleQuery(parseQueryString(queryString));
      } catch {
        query = null;
      }
      if (queryString.length <= PARSED_QUERY_MAX_LENGTH) {
        if (this.parsedQueries.size >= PARSED_QUERIES_MAX) {
          this.parsedQueries.clear();
        }
        this.parsedQueries.set(queryString, query);
      }
    }
    return query;
  }
}

function refuse(response: ServerResponse, id: string, { message, retryAfterS }: Refusal): void {
  const json = JSON.stringify({ message });
  response.writeHead(429, {
    ...JSON_SECURITY_HEADERS,
    'x-request-id': id,
    'content-type': JSON_TYPE,
    'content-length': String(Buffer.byteLength(json)),
    'retry-after': String(retryAfterS),
  });
  response.end(json);
}
