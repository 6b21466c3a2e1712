/** The admin API as the CLI sees it: the wire contract, the port, and its HTTP adapter. */
import type { JobView } from '../pregen/pregen-jobs.service';

/** A job as GET /api/admin/jobs lists it. */
export type JobSummary = JobView;

export interface JobDetail extends JobSummary {
  readonly stacktrace?: readonly string[];
}

export interface EnqueuedCycle {
  readonly cycleId: string;
  readonly jobs: readonly { readonly id: string; readonly date: string }[];
}

export interface RetriedJob {
  readonly id: string;
  readonly state: string;
}

export interface PregenSchedule {
  readonly paused: boolean;
  readonly reason: string | null;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
}

export const SERVE_MODES = ['cache', 'upstream'] as const;
export type ServeMode = (typeof SERVE_MODES)[number];

export interface ServeModeState {
  readonly mode: ServeMode;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
}

export interface CycleSummary {
  readonly id: string;
  readonly trigger: string;
  readonly actor: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly dates: readonly string[];
  readonly generated: number;
  readonly unchanged: number;
  readonly emptied: number;
  readonly failed: number;
  readonly upstreamMs: number;
}

export interface CompanyToggles {
  readonly serviceCompanyId: number;
  readonly toggles: Readonly<Record<string, boolean>>;
  readonly version: string;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}

export interface QueuedJob {
  readonly jobId: string;
}

/** The service answered with an error status; `message` is its `{"message"}` body. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

/** No answer at all: refused connection, unknown host or timeout. */
export class UnreachableError extends Error {}

/** Port of the running service's admin API; every call needs an admin credential. */
export abstract class AdminApi {
  /** GET /api/admin/jobs: recent jobs of one state or of all, newest first. */
  abstract listJobs(query: { state?: string; limit?: number }): Promise<JobSummary[]>;
  /** GET /api/admin/jobs/:id: one job with its error's stack trace. */
  abstract showJob(id: string): Promise<JobDetail>;
  /** POST /api/admin/jobs/:id/retry: a failed job waits again. */
  abstract retryJob(id: string): Promise<RetriedJob>;
  /** POST /api/admin/pregen: one job per date, the whole window without dates. */
  abstract runPregen(dates?: readonly string[]): Promise<EnqueuedCycle>;
  /** GET /api/admin/pregen/schedule: whether the recurring cycle is paused. */
  abstract pregenSchedule(): Promise<PregenSchedule>;
  /** PUT /api/admin/pregen/schedule: pause (with a reason) or resume the recurring cycle. */
  abstract setPregenSchedule(change: { paused: boolean; reason?: string }): Promise<PregenSchedule>;
  /** GET /api/admin/cycles: summaries of past cycles, newest first. */
  abstract cycles(limit?: number): Promise<CycleSummary[]>;
  /** GET /api/admin/serve-mode. */
  abstract serveMode(): Promise<ServeModeState>;
  /** PUT /api/admin/serve-mode: `upstream` sends every read to the legacy API. */
  abstract setServeMode(mode: ServeMode): Promise<ServeModeState>;
  /** GET /api/admin/companies/:id/feature-toggles. */
  abstract featureToggles(companyId: string): Promise<CompanyToggles>;
  /** PUT /api/admin/companies/:id/feature-toggles: all seven toggles. */
  abstract setFeatureToggles(companyId: string, toggles: object): Promise<CompanyToggles>;
  /** POST /api/admin/users/sync: one job copies the users directory. */
  abstract syncUsers(): Promise<QueuedJob>;
}

export interface AdminApiSettings {
  readonly baseUrl: string;
  readonly token: string;
  readonly timeoutMs: number;
}

/** The admin API over HTTP (Node's fetch), each call bounded by `timeoutMs`. */
export class HttpAdminApi extends AdminApi {
  constructor(private readonly settings: AdminApiSettings) {
    super();
  }

  async listJobs({ state, limit }: { state?: string; limit?: number }): Promise<JobSummary[]> {
    const answer = await this.call<JobSummary[] | { jobs: JobSummary[] }>(
      'GET',
      `/api/admin/jobs${query({ state, limit })}`,
    );
    return Array.isArray(answer) ? answer : answer.jobs;
  }

  showJob(id: string): Promise<JobDetail> {
    return this.call('GET', `/api/admin/jobs/${encodeURIComponent(id)}`);
  }

  retryJob(id: string): Promise<RetriedJob> {
    return this.call('POST', `/api/admin/jobs/${encodeURIComponent(id)}/retry`);
  }

  runPregen(dates?: readonly string[]): Promise<EnqueuedCycle> {
    // The cycle history names the CLI as the cycle's trigger.
    return this.call('POST', '/api/admin/pregen', { ...(dates ? { dates } : {}), trigger: 'cli' });
  }

  pregenSchedule(): Promise<PregenSchedule> {
    return this.call('GET', '/api/admin/pregen/schedule');
  }

  setPregenSchedule(change: { paused: boolean; reason?: string }): Promise<PregenSchedule> {
    return this.call('PUT', '/api/admin/pregen/schedule', change);
  }

  async cycles(limit?: number): Promise<CycleSummary[]> {
    const answer = await this.call<{ cycles: CycleSummary[] }>(
      'GET',
      `/api/admin/cycles${query({ limit })}`,
    );
    return answer.cycles;
  }

  serveMode(): Promise<ServeModeState> {
    return this.call('GET', '/api/admin/serve-mode');
  }

  setServeMode(mode: ServeMode): Promise<ServeModeState> {
    return this.call('PUT', '/api/admin/serve-mode', { mode });
  }

  featureToggles(companyId: string): Promise<CompanyToggles> {
    return this.call('GET', togglesPath(companyId));
  }

  setFeatureToggles(companyId: string, toggles: object): Promise<CompanyToggles> {
    return this.call('PUT', togglesPath(companyId), toggles);
  }

  syncUsers(): Promise<QueuedJob> {
    return this.call('POST', '/api/admin/users/sync');
  }

  private async call<T>(method: string, path: string, body?: object): Promise<T> {
    const { baseUrl, token, timeoutMs } = this.settings;
    const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new UnreachableError(`cannot reach ${baseUrl}: ${reason(error, timeoutMs)}`);
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
      throw new AdminApiError(
        response.status,
        `${method} ${path}: HTTP ${response.status}: ${messageOf(text)}`,
        Number.isFinite(retryAfter) ? retryAfter : undefined,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new AdminApiError(response.status, `${method} ${path}: the answer is not JSON`);
    }
  }
}

function togglesPath(companyId: string): string {
  return `/api/admin/companies/${encodeURIComponent(companyId)}/feature-toggles`;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) {
      search.set(name, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** The service's `{"message"}`, or the start of whatever else answered. */
function messageOf(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string') {
      return message;
    }
  } catch {
    // Not the service's JSON: a proxy's page, for one.
  }
  return text.slice(0, 200).replace(/\s+/g, ' ').trim() || 'no message';
}

function reason(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
