import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIsoDate } from './calendar';
import { MAX_COMPANIES, type UserRole } from './companies';
import { CONTROL_PREFIX, handleControl, type SimControls } from './control-api';
import { ScheduleDataset, scheduleEnvelope } from './dataset';
import { serializeJson } from './dotnet-json';
import { sendText } from './http-helpers';
import { failureBody, handleSchedule, handleUsers, type ApiContext } from './schedule-api';
import {
  SimState,
  validateLatency,
  type CallCounts,
  type FaultMode,
  type LatencyRange,
} from './sim-state';

export type { CallCounts, FaultMode, LatencyRange, UserRole };
export { FAULT_MODES } from './sim-state';

export interface UpstreamSimOptions {
  /** 0 = an ephemeral port. */
  port: number;
  host: string;
  companies: number;
  latencyMs: LatencyRange;
  /** When set, API calls need `Authorization: Bearer <token>`. */
  token: string | undefined;
  seed: number;
  /** Minimum body size of the 'huge' fault. */
  hugeBodyBytes: number;
}

/** One job as the API answers it, parsed (money fields become plain numbers). */
export type SimJob = Record<string, unknown>;

export interface SimUser {
  UserId: number;
  Email: string;
  FirstName: string;
  LastName: string;
  ServiceCompanyId: number;
  Role: UserRole;
  /** null for the company's Admin user, who is not an employee. */
  EmployeeInformationId: number | null;
}

export interface UpstreamSim extends SimControls {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** Number of GET /api/dr-schedule calls received (faulted and rejected ones too). */
  calls(date?: string): number;
  /** Jobs of the date (all companies, or one), as the API would answer them now. */
  jobsFor(date: string, companyId?: number): SimJob[];
  /** Exact body text the API would answer now for the date (and company). */
  responseBody(date: string, companyId?: number): string;
  users(): SimUser[];
}

export const DEFAULT_UPSTREAM_SIM_OPTIONS: Readonly<UpstreamSimOptions> = {
  port: 0,
  host: '127.0.0.1',
  companies: 20,
  latencyMs: { min: 2000, max: 5000 },
  token: undefined,
  seed: 1,
  hugeBodyBytes: 50 * 1024 * 1024,
};

export async function createUpstreamSim(
  options: Partial<UpstreamSimOptions> = {},
): Promise<UpstreamSim> {
  const sim = new UpstreamSimServer(resolveOptions(options));
  await sim.listen();
  return sim;
}

function resolveOptions(options: Partial<UpstreamSimOptions>): UpstreamSimOptions {
  const resolved = { ...DEFAULT_UPSTREAM_SIM_OPTIONS, ...options };
  requireInteger('port', resolved.port, 0, 65535);
  requireInteger('companies', resolved.companies, 1, MAX_COMPANIES);
  requireInteger('hugeBodyBytes', resolved.hugeBodyBytes, 1, Number.MAX_SAFE_INTEGER);
  validateLatency(resolved.latencyMs.min, resolved.latencyMs.max);
  if (!Number.isFinite(resolved.seed)) {
    throw new RangeError(`seed must be a finite number, got ${resolved.seed}`);
  }
  if (resolved.token === '') {
    throw new RangeError('token must not be empty (leave it undefined to disable auth)');
  }
  return resolved;
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

class UpstreamSimServer implements UpstreamSim {
  private readonly dataset: ScheduleDataset;
  private readonly state: SimState;
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly api: ApiContext;
  private boundPort = 0;

  constructor(private readonly options: UpstreamSimOptions) {
    this.dataset = new ScheduleDataset(options.seed, options.companies);
    this.state = new SimState(options.latencyMs);
    this.api = {
      dataset: this.dataset,
      state: this.state,
      token: options.token,
      hugeBodyBytes: options.hugeBodyBytes,
      delay: (ms) => this.delay(ms),
    };
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => this.fail(res, error));
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.boundPort}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    if (!this.server.listening) {
      return Promise.resolve();
    }
    const closed = new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
    });
    // Also drops requests held by the 'timeout' fault and streams in flight.
    this.server.closeAllConnections();
    return closed;
  }

  setFault(mode: FaultMode, opts: { times?: number } = {}): void {
    this.state.setFault(mode, opts.times);
  }

  setLatency(minMs: number, maxMs: number): void {
    this.state.setLatency(minMs, maxMs);
  }

  calls(date?: string): number {
    return this.state.calls(date);
  }

  callCounts(): CallCounts {
    return this.state.callCounts();
  }

  delays(): Record<string, number[]> {
    return this.state.delays();
  }

  reset(): void {
    this.state.reset();
  }

  cancelJobs(companyId: number, date: string): void {
    if (this.dataset.company(companyId) === undefined) {
      throw new RangeError(`unknown company id ${companyId}`);
    }
    this.state.cancel(companyId, requireDate(date));
  }

  companyIds(): number[] {
    return this.dataset.companies.map((company) => company.id);
  }

  bigCompanyIds(): number[] {
    return this.dataset.companies.filter((company) => company.big).map((company) => company.id);
  }

  jobsFor(date: string, companyId?: number): SimJob[] {
    const jobs: unknown = JSON.parse(`[${this.jobTexts(date, companyId).join(',')}]`);
    return jobs as SimJob[];
  }

  responseBody(date: string, companyId?: number): string {
    return scheduleEnvelope(this.jobTexts(date, companyId));
  }

  users(): SimUser[] {
    const users: unknown = JSON.parse(serializeJson(this.dataset.users()));
    return users as SimUser[];
  }

  private jobTexts(date: string, companyId: number | undefined): string[] {
    const jobs = this.dataset.jobs(requireDate(date), companyId, (id, day) =>
      this.state.isCancelled(id, day),
    );
    return jobs.map((job) => job.text);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://upstream-sim');
    const path = url.pathname.replace(/\/+$/, '');
    if (path.startsWith(CONTROL_PREFIX)) {
      await handleControl(this, req, res, path.slice(CONTROL_PREFIX.length));
      return;
    }
    if (path !== '/api/dr-schedule' && path !== '/api/dr-schedule/users') {
      sendText(res, 404, failureBody(`No resource matches ${url.pathname}`));
      return;
    }
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      sendText(res, 405, failureBody(`Method ${req.method ?? ''} is not allowed`));
      return;
    }
    await (path === '/api/dr-schedule'
      ? handleSchedule(this.api, req, res, url)
      : handleUsers(this.api, req, res));
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendText(res, 500, failureBody(`upstream-sim failure: ${String(error)}`));
  }
}

function requireDate(date: string): string {
  if (!isIsoDate(date)) {
    throw new RangeError(`date must be YYYY-MM-DD, got ${date}`);
  }
  return date;
}
