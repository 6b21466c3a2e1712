import type { AppConfig } from '../config/app-config';
import type { MetricsService } from '../metrics/metrics.service';
import { ScheduleDocument, splitByCompany } from '../domain/schedule-document';
import { CompanyId, ScheduleDate, toCompanyId } from '../domain/schedule-key';
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

  async fetchSchedule(date: ScheduleDate): Promise<Map<CompanyId, ScheduleDocument>> {
    const query = new URLSearchParams({ startDate: date, endDate: date });
    const { text, companyIds } = await this.measured(async () => {
      const text = await this.get(`/api/dr-schedule?${query.toString()}`);
      return { text, companyIds: validateSchedule(text) };
    });
    return splitByCompany(text, companyIds);
  }

  fetchUsers(): Promise<string> {
    return this.measured(async () => {
      const text = await this.get('/api/dr-schedule/users');
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

  private async get(path: string): Promise<string> {
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
      return await readText(response, maxBodyBytes);
    } catch (error) {
      if (error instanceof UpstreamError) {
        throw error;
      }
      if (signal.aborted) {
        throw new UpstreamError('timeout', `Upstream did not answer within ${timeoutMs} ms`);
      }
      throw new UpstreamError('network', `Upstream unreachable: ${describe(error)}`);
    }
  }
}

async function readText(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => new UpstreamError('too-large', `Upstream body exceeds ${maxBytes} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader?.cancel();
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** Applies the acceptance rules and returns each job's company, in order. */
export function validateSchedule(text: string): CompanyId[] {
  return validateEnvelope(text).map((job: unknown, index) => {
    const id = isRecord(job) ? job.ServiceCompanyId : undefined;
    const companyId = typeof id === 'number' ? toCompanyId(id) : null;
    if (companyId === null) {
      throw new UpstreamError(
        'invalid-result',
        `Upstream Result[${index}] has no positive integer ServiceCompanyId`,
      );
    }
    return companyId;
  });
}

/** Valid JSON, `IsSuccess: true` and `Result` an array of objects; returns `Result`. */
function validateEnvelope(text: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UpstreamError('invalid-json', 'Upstream answered invalid JSON');
  }
  if (!isRecord(body) || body.IsSuccess !== true) {
    throw new UpstreamError('not-success', 'Upstream answered IsSuccess other than true');
  }
  if (!Array.isArray(body.Result) || !body.Result.every(isRecord)) {
    throw new UpstreamError('invalid-result', 'Upstream Result is not an array of objects');
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
