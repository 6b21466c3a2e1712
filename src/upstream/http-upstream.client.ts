import type { AppConfig } from '../config/app-config';
import type { MetricsService } from '../metrics/metrics.service';
import { ScheduleDocument } from '../domain/schedule-document';
import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { ScheduleSplitError, ScheduleSplitter } from '../domain/schedule-splitter';
import { UpstreamClient } from './upstream.client';
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
  fetchSchedule(date: ScheduleDate): Promise<Map<CompanyId, ScheduleDocument>> {
    const query = new URLSearchParams({ startDate: date, endDate: date });
    return this.measured(async () => {
      const splitter = new ScheduleSplitter();
      try {
        await this.get(`/api/dr-schedule?${query.toString()}`, (chunk) => splitter.write(chunk));
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
    const response = await fetch(`${this.config.baseUrl}/`, {
      method: 'HEAD',
      headers: CONNECTION,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
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

  /** GETs `path` and hands each chunk of a 200's body to `read`, within the body cap. */
  private async get(path: string, read: (chunk: Uint8Array) => void): Promise<void> {
    const { baseUrl, token, timeoutMs, maxBodyBytes } = this.config;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        headers: {
          ...CONNECTION,
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        signal,
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new UpstreamError('http-status', `Upstream answered HTTP ${response.status}`);
      }
      await readBody(response, maxBodyBytes, read);
    } catch (error) {
      if (error instanceof UpstreamError || error instanceof ScheduleSplitError) {
        throw error;
      }
      if (signal.aborted) {
        throw new UpstreamError('timeout', `Upstream did not answer within ${timeoutMs} ms`);
      }
      throw new UpstreamError('network', `Upstream unreachable: ${describe(error)}`);
    }
  }
}

async function readBody(
  response: Response,
  maxBytes: number,
  read: (chunk: Uint8Array) => void,
): Promise<void> {
  const tooLarge = () => new UpstreamError('too-large', `Upstream body exceeds ${maxBytes} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  let size = 0;
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  try {
    for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
      size += next.value.byteLength;
      if (size > maxBytes) {
        throw tooLarge();
      }
      read(next.value);
    }
  } catch (error) {
    await reader?.cancel().catch(() => undefined);
    throw error;
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
