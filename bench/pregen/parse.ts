/** What the service's admin API and the simulator answer, checked field by field (no casts). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field<T>(
  record: Record<string, unknown>,
  key: string,
  guard: (value: unknown) => value is T,
  what: string,
): T {
  const value = record[key];
  if (!guard(value)) {
    throw new Error(`${what}: "${key}" is ${JSON.stringify(value)}`);
  }
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isStringOrNull = (value: unknown): value is string | null =>
  value === null || typeof value === 'string';

export interface EnqueuedCycle {
  cycleId: string;
  jobs: { id: string; date: string }[];
}

export function parseCycle(body: unknown): EnqueuedCycle {
  const what = 'POST /api/admin/pregen answer';
  if (!isRecord(body) || !Array.isArray(body.jobs)) {
    throw new Error(`${what}: unexpected ${JSON.stringify(body)}`);
  }
  return {
    cycleId: field(body, 'cycleId', isString, what),
    jobs: body.jobs.map((job: unknown) => {
      if (!isRecord(job)) {
        throw new Error(`${what}: job ${JSON.stringify(job)}`);
      }
      return { id: field(job, 'id', isString, what), date: field(job, 'date', isString, what) };
    }),
  };
}

interface RefreshResult {
  companies: number;
  written: number;
  unchanged: number;
  emptied: number;
  failed: number;
  bytes: number;
  upstreamMs: number;
  durationMs: number;
}

export interface JobView {
  id: string;
  state: string;
  date: string;
  cycleId: string;
  attempts: number;
  createdAt: number;
  processedAt: number | null;
  finishedAt: number | null;
  result: RefreshResult | null;
  error: string | null;
}

function parseResult(value: unknown): RefreshResult | null {
  if (!isRecord(value)) {
    return null;
  }
  const what = 'job result';
  const n = (key: string): number => field(value, key, isNumber, what);
  return {
    companies: n('companies'),
    written: n('written'),
    unchanged: n('unchanged'),
    emptied: n('emptied'),
    failed: n('failed'),
    bytes: n('bytes'),
    upstreamMs: n('upstreamMs'),
    durationMs: n('durationMs'),
  };
}

function parseTime(value: string | null): number | null {
  return value === null ? null : Date.parse(value);
}

export function parseJobs(body: unknown): JobView[] {
  const what = 'GET /api/admin/jobs answer';
  if (!Array.isArray(body)) {
    throw new Error(`${what}: not an array`);
  }
  return body.map((job: unknown): JobView => {
    if (!isRecord(job)) {
      throw new Error(`${what}: job ${JSON.stringify(job)}`);
    }
    return {
      id: field(job, 'id', isString, what),
      state: field(job, 'state', isString, what),
      date: isString(job.date) ? job.date : '',
      cycleId: isString(job.cycleId) ? job.cycleId : '',
      attempts: field(job, 'attempts', isNumber, what),
      createdAt: Date.parse(field(job, 'createdAt', isString, what)),
      processedAt: parseTime(field(job, 'processedAt', isStringOrNull, what)),
      finishedAt: parseTime(field(job, 'finishedAt', isStringOrNull, what)),
      result: parseResult(job.result),
      error: field(job, 'error', isStringOrNull, what),
    };
  });
}

export function parseSimDelays(body: unknown): Record<string, number[]> {
  if (!isRecord(body) || !isRecord(body.byDate)) {
    throw new Error(`GET /__sim/delays answer: unexpected ${JSON.stringify(body)}`);
  }
  const byDate: Record<string, number[]> = {};
  for (const [date, delays] of Object.entries(body.byDate)) {
    byDate[date] = Array.isArray(delays) ? delays.filter(isNumber) : [];
  }
  return byDate;
}

interface SimCalls {
  total: number;
  byDate: Record<string, number>;
}

export function parseSimCalls(body: unknown): SimCalls {
  const what = 'GET /__sim/calls answer';
  if (!isRecord(body) || !isRecord(body.byDate)) {
    throw new Error(`${what}: unexpected ${JSON.stringify(body)}`);
  }
  const byDate: Record<string, number> = {};
  for (const [date, count] of Object.entries(body.byDate)) {
    byDate[date] = isNumber(count) ? count : Number.NaN;
  }
  return { total: field(body, 'total', isNumber, what), byDate };
}
