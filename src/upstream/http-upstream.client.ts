import { IncomingMessage, OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AppConfig } from '../config/app-config';
import type { MetricsService } from '../metrics/metrics.service';
import { ScheduleDocument } from '../domain/schedule-document';
import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { ScheduleSplitError, ScheduleSplitter } from '../domain/schedule-splitter';
import { AnswerReservation, UpstreamClient } from './upstream.client';
import { UpstreamError } from './upstream.errors';

export type UpstreamConfig = AppConfig['upstream'];

// A call every few minutes gains nothing from a kept-alive socket, and reusing an idle one races
// the server closing it ("other side closed").
const CONNECTION = { connection: 'close' };
export type UpstreamMetrics = Pick<MetricsService, 'recordUpstream'>;

/** The legacy API over HTTP. Runs on the upstream thread (see ThreadedUpstreamClient). */
export class HttpUpstreamClient extends UpstreamClient {
  constructor(
    private readonly config: UpstreamConfig,
    private readonly metrics: UpstreamMetrics,
  ) {
    super();
  }

  /** Split while the answer streams in: the whole answer is never held as text or objects. */
  fetchSchedule(
    date: ScheduleDate,
    reservation?: AnswerReservation,
  ): Promise<Map<CompanyId, ScheduleDocument>> {
    const query = new URLSearchParams({ startDate: date, endDate: date });
    return this.measured(async () => {
      const splitter = new ScheduleSplitter();
      const read = (chunk: Uint8Array) => splitter.write(chunk);
      try {
        await this.get(`/api/dr-schedule?${query.toString()}`, read, reservation);
        return splitter.end();
      } catch (error) {
        throw error instanceof ScheduleSplitError ? refusal(error) : error;
      }
    });
  }

  fetchUsers(): Promise<string> {
    return this.measured(async () => {
      const chunks: Uint8Array[] = [];
      await this.get('/api/dr-schedule/users', (chunk) => chunks.push(chunk));
      const text = Buffer.concat(chunks).toString('utf8');
      validateEnvelope(text);
      return text;
    });
  }

  async ping(timeoutMs: number): Promise<void> {
    const response = await send('HEAD', `${this.config.baseUrl}/`, CONNECTION, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    response.destroy();
  }

  private async measured<T>(call: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      const answer = await call();
      this.metrics.recordUpstream('ok', (performance.now() - startedAt) / 1000);
      return answer;
    } catch (error) {
      const outcome = error instanceof UpstreamError ? error.kind : 'network';
      this.metrics.recordUpstream(outcome, (performance.now() - startedAt) / 1000);
      throw error;
    }
  }

  /**
   * GETs `path` and hands each chunk of a 200's body to `read`, within the body cap. The timeout
   * does not run while the reservation waits: that wait is ours, not the upstream's.
   */
  private async get(
    path: string,
    read: (chunk: Uint8Array) => void,
    reservation?: AnswerReservation,
  ): Promise<void> {
    const { baseUrl, token, timeoutMs, maxBodyBytes } = this.config;
    const deadline = new PausableTimeout(timeoutMs);
    const { signal } = deadline;
    try {
      const headers = {
        ...CONNECTION,
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      };
      const response = await send('GET', `${baseUrl}${path}`, headers, { signal });
      if (response.statusCode !== 200) {
        response.destroy();
        throw new UpstreamError('http-status', `Upstream answered HTTP ${response.statusCode}`);
      }
      await readBody(response, maxBodyBytes, read, deadline, reservation);
    } catch (error) {
      if (error instanceof UpstreamError || error instanceof ScheduleSplitError) {
        throw error;
      }
      if (signal.aborted) {
        throw new UpstreamError('timeout', `Upstream did not answer within ${timeoutMs} ms`);
      }
      throw new UpstreamError('network', `Upstream unreachable: ${describe(error)}`);
    } finally {
      deadline.clear();
    }
  }
}

/**
 * One request, resolved with the response once its headers are in. node:http rather than fetch:
 * a body left unread while the budget waits must stay in the socket, and fetch's client (undici)
 * dies on the server's FIN while its parser is paused (`assert(!this.paused)`).
 */
function send(
  method: 'GET' | 'HEAD',
  url: string,
  headers: OutgoingHttpHeaders,
  { signal }: { signal: AbortSignal },
): Promise<IncomingMessage> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    request(url, { method, headers, signal }, (response) => {
      // Until the body is read: a reset meanwhile is raised by reading it, not as uncaught.
      response.on('error', () => undefined);
      resolve(response);
    })
      .on('error', reject)
      .end();
  });
}

/** An abort after `ms`, which can be paused. */
class PausableTimeout {
  private readonly controller = new AbortController();
  private left: number;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.left = ms;
    this.resume();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  async pausedDuring<T>(work: () => Promise<T>): Promise<T> {
    clearTimeout(this.timer);
    this.left -= performance.now() - this.startedAt;
    try {
      return await work();
    } finally {
      this.resume();
    }
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  private resume(): void {
    this.startedAt = performance.now();
    const error = new DOMException('The upstream call timed out', 'TimeoutError');
    this.timer = setTimeout(() => this.controller.abort(error), Math.max(0, this.left));
  }
}

// Bytes counted at a time beyond the reservation, for an answer longer than reserved.
const GROW_STEP_BYTES = 1024 * 1024;

/**
 * Reads the body once the reservation has room for it: its Content-Length, or the size expected
 * when the upstream tells none. Meanwhile the body waits in the socket, and the upstream with it.
 */
async function readBody(
  response: IncomingMessage,
  maxBytes: number,
  read: (chunk: Uint8Array) => void,
  deadline: PausableTimeout,
  reservation?: AnswerReservation,
): Promise<void> {
  const tooLarge = () => new UpstreamError('too-large', `Upstream body exceeds ${maxBytes} bytes`);
  const header = response.headers['content-length'];
  const length = header === undefined ? null : Number(header);
  try {
    if ((length ?? 0) > maxBytes) {
      throw tooLarge();
    }
    let reserved = reservation ? await deadline.pausedDuring(() => reservation.reserve(length)) : 0;
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        throw tooLarge();
      }
      if (reservation && size > reserved) {
        const more = Math.max(size - reserved, GROW_STEP_BYTES);
        reservation.grow(more);
        reserved += more;
      }
      read(chunk);
    }
  } finally {
    response.destroy();
  }
}

const INVALID_JSON = 'Upstream answered invalid JSON';
const NOT_SUCCESS = 'Upstream answered IsSuccess other than true';
const NOT_ARRAY_OF_OBJECTS = 'Upstream Result is not an array of objects';

/** The acceptance rule a schedule answer broke, as the upstream error callers see. */
function refusal({ failure, index }: ScheduleSplitError): UpstreamError {
  switch (failure) {
    case 'invalid-json':
      return new UpstreamError('invalid-json', INVALID_JSON);
    case 'not-success':
      return new UpstreamError('not-success', NOT_SUCCESS);
    case 'not-array-of-objects':
      return new UpstreamError('invalid-result', NOT_ARRAY_OF_OBJECTS);
    case 'company':
      return new UpstreamError(
        'invalid-result',
        `Upstream Result[${index}] has no positive integer ServiceCompanyId`,
      );
  }
}

/** Valid JSON, `IsSuccess: true` and `Result` an array of objects; returns `Result`. */
function validateEnvelope(text: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UpstreamError('invalid-json', INVALID_JSON);
  }
  if (!isRecord(body) || body.IsSuccess !== true) {
    throw new UpstreamError('not-success', NOT_SUCCESS);
  }
  if (!Array.isArray(body.Result) || !body.Result.every(isRecord)) {
    throw new UpstreamError('invalid-result', NOT_ARRAY_OF_OBJECTS);
  }
  return body.Result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
