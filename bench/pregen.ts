/**
 * Pre-generation benchmark: how long does one full cycle (7 dates, every company) take from
 * `POST /api/admin/pregen` until the last job has stored its documents?
 *
 * Run: `npm run bench:pregen`. For each company count it starts its own Redis, Azurite (in
 * memory), the simulated legacy API and the built service (`dist/main.js`), each in its own
 * process, runs one cycle and stops them all again.
 *
 * Environment:
 * - BENCH_COMPANIES          company counts, comma-separated (default "100,1000")
 * - BENCH_LATENCY_MIN_MS/MAX upstream latency range during the cycle (default 2000-5000)
 * - BENCH_CYCLE_TIMEOUT_S    give up on a cycle after this long (default 300)
 * - BENCH_REPEAT             cycles per company count, each with fresh processes (default 1)
 * - BENCH_REQUIRE_TARGETS=1  also exit non-zero when a time target is missed
 * - BENCH_SERVICE_NODE_OPTIONS  NODE_OPTIONS for the service only, e.g. "--cpu-prof
 *   --cpu-prof-dir=/tmp/prof" (the profile is written when the service exits)
 * - PREGEN_CONCURRENCY, BLOB_WRITE_CONCURRENCY, BLOB_TIMEOUT_MS, UPSTREAM_MAX_BODY_MB,
 *   UPSTREAM_TIMEOUT_MS: passed to the service when set (UPSTREAM_MAX_BODY_MB defaults to 256
 *   here: one date of 1,000 simulated companies is ~70 MB, over the service's 64 MB default).
 *
 * The simulator generates a date's data on the first request for it (seconds for 1,000
 * companies), so every date is requested once with zero latency before the service starts;
 * then its counters are reset and the latency set, so the cycle sees only the simulated latency.
 *
 * Exit code: 0 when every cycle completed with exactly one upstream call per date, 1 otherwise
 * (and when BENCH_REQUIRE_TARGETS=1 and a target is missed), 130 on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';

import { postJson, request, requestJson } from './support/http';
import {
  isExiting,
  log,
  runBench,
  setBudget,
  sleep,
  spawnNode,
  stopTracked,
  waitFor,
  type Child,
  type Stoppable,
} from './support/processes';
import {
  AUTH,
  HOST,
  ROOT,
  SERVICE_MAIN,
  serviceEnv,
  startAzurite,
  startRedis,
  startService,
} from './support/servers';
import {
  machineBusySeconds,
  procCpuSeconds,
  procStatusBytes,
  RssSampler,
} from './support/proc-stats';

const DAYS = 7;
const DEFAULT_COMPANIES = [100, 1000];
const DEFAULT_LATENCY = { min: 2000, max: 5000 };
const DEFAULT_CYCLE_TIMEOUT_S = 300;
/** Seconds allowed for the whole run of one company count, on top of the cycle timeout. */
const PER_RUN_SLACK_S = 300;
const TARGET_S: Readonly<Record<number, number>> = { 100: 10, 1000: 30 };

const WARM_REQUEST_TIMEOUT_MS = 180_000;
const POLL_INTERVAL_MS = 100;
const POLL_REQUEST_TIMEOUT_MS = 10_000;
const RSS_SAMPLE_MS = 200;
const MIB = 1024 * 1024;

/** Service settings the caller may override through the environment. */
const SERVICE_PASS_THROUGH = [
  'PREGEN_CONCURRENCY',
  'BLOB_WRITE_CONCURRENCY',
  'BLOB_TIMEOUT_MS',
  'UPSTREAM_MAX_BODY_MB',
  'UPSTREAM_TIMEOUT_MS',
] as const;
const SERVICE_DEFAULTS: Readonly<Record<(typeof SERVICE_PASS_THROUGH)[number], string>> = {
  PREGEN_CONCURRENCY: '4',
  BLOB_WRITE_CONCURRENCY: '16',
  BLOB_TIMEOUT_MS: '5000',
  UPSTREAM_MAX_BODY_MB: '256',
  UPSTREAM_TIMEOUT_MS: '30000',
};

const SIM_MAIN = join(ROOT, 'dist-tools', 'tools', 'upstream-sim', 'main.js');

/** The simulator in its own process, with zero latency until warmed up. */
async function startSim(companies: number): Promise<Child & { url: string }> {
  const sim = spawnNode('upstream-sim', SIM_MAIN, {
    ...process.env,
    SIM_HOST: HOST,
    SIM_PORT: '0',
    SIM_COMPANIES: String(companies),
    SIM_LATENCY_MIN_MS: '0',
    SIM_LATENCY_MAX_MS: '0',
    SIM_SEED: '1',
    UPSTREAM_API_TOKEN: '',
  });
  let url: string | undefined;
  await waitFor('upstream-sim', sim, () => {
    url = /listening on (http:\/\/\S+)/.exec(sim.outputTail)?.[1];
    return Promise.resolve(url !== undefined);
  });
  return Object.assign(sim, { url: url ?? '' });
}

// ---------------------------------------------------------------------------------------------
// Parsing what the service and the sim answer (no casts of unchecked shapes)
// ---------------------------------------------------------------------------------------------

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

interface EnqueuedCycle {
  cycleId: string;
  jobs: { id: string; date: string }[];
}

function parseCycle(body: unknown): EnqueuedCycle {
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

interface JobView {
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

function parseJobs(body: unknown): JobView[] {
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

function parseSimDelays(body: unknown): Record<string, number[]> {
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

function parseSimCalls(body: unknown): SimCalls {
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

// ---------------------------------------------------------------------------------------------
// One run: one company count
// ---------------------------------------------------------------------------------------------

interface BenchConfig {
  companies: number[];
  latency: { min: number; max: number };
  cycleTimeoutS: number;
  repeat: number;
  requireTargets: boolean;
  serviceNodeOptions: string | undefined;
  service: Record<(typeof SERVICE_PASS_THROUGH)[number], string>;
}

interface WarmDate {
  date: string;
  ms: number;
  bytes: number;
}

interface RunResult {
  companies: number;
  ok: boolean;
  problems: string[];
  warm: WarmDate[];
  /** Trigger (our clock, just before the POST) to the last job's finishedOn. */
  wallS: number | null;
  /** Trigger to the poll that saw every job finished (includes up to one poll interval). */
  polledWallS: number | null;
  /** First job created to last job finished, from the job timestamps only. */
  jobSpanS: number | null;
  jobs: JobView[];
  docs: number;
  bytes: number;
  upstreamCalls: number | null;
  /** Simulated latency the sim gave each date's call(s). */
  simDelays: Record<string, number[]>;
  peakRssBytes: number | null;
  sampledRss: { maxBytes: number; samples: number } | null;
  otherHwm: Record<string, number | null>;
  cpuSeconds: Record<string, number | null>;
  /** Busy CPU of the whole machine during the cycle minus the processes above (this one too). */
  otherCpuSeconds: number | null;
  serviceLog: string[];
}

/** today .. today+days-1 in UTC, as the service computes them (SCHEDULE_TIMEZONE=UTC). */
function utcDates(days: number): string[] {
  const start = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) =>
    new Date(start + i * 86_400_000).toISOString().slice(0, 10),
  );
}

async function warmSim(simUrl: string, dates: string[]): Promise<WarmDate[]> {
  const warm: WarmDate[] = [];
  for (const date of dates) {
    const started = performance.now();
    const answer = await request(
      `${simUrl}/api/dr-schedule?startDate=${date}&endDate=${date}`,
      {},
      WARM_REQUEST_TIMEOUT_MS,
    );
    if (answer.status !== 200) {
      throw new Error(`sim warm-up of ${date}: HTTP ${answer.status}`);
    }
    warm.push({ date, ms: performance.now() - started, bytes: Buffer.byteLength(answer.text) });
  }
  return warm;
}

async function pollCycle(
  serviceUrl: string,
  cycle: EnqueuedCycle,
  deadline: number,
  service: Child,
): Promise<JobView[]> {
  const expected = new Set(cycle.jobs.map((job) => job.id));
  for (;;) {
    if (isExiting()) {
      throw new Error('stopping');
    }
    if (!service.alive) {
      throw new Error(`service exited during the cycle (${service.exitDescription})`);
    }
    try {
      const lists = await Promise.all(
        ['completed', 'failed'].map(async (state) =>
          parseJobs(
            await requestJson(
              `${serviceUrl}/api/admin/jobs?state=${state}&limit=100`,
              { headers: AUTH },
              200,
              POLL_REQUEST_TIMEOUT_MS,
            ),
          ),
        ),
      );
      const finished = lists.flat().filter((job) => expected.has(job.id));
      if (new Set(finished.map((job) => job.id)).size === expected.size) {
        return finished;
      }
    } catch (error) {
      // A busy service may answer a poll late or not at all; the deadline bounds the wait.
      if (!isExiting() && error instanceof Error && error.name !== 'TimeoutError') {
        log(`poll: ${error.message}`);
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`cycle not finished by its deadline (BENCH_CYCLE_TIMEOUT_S)`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

async function runOnce(companies: number, config: BenchConfig): Promise<RunResult> {
  const result: RunResult = {
    companies,
    ok: false,
    problems: [],
    warm: [],
    wallS: null,
    polledWallS: null,
    jobSpanS: null,
    jobs: [],
    docs: 0,
    bytes: 0,
    upstreamCalls: null,
    simDelays: {},
    peakRssBytes: null,
    sampledRss: null,
    otherHwm: {},
    cpuSeconds: {},
    otherCpuSeconds: null,
    serviceLog: [],
  };
  const runId = `${companies}-${randomBytes(4).toString('hex')}`;
  const started: Stoppable[] = [];
  let sampler: RssSampler | null = null;
  let service: (Child & { url: string }) | null = null;
  try {
    log(`${companies} companies: starting Redis, Azurite, upstream-sim`);
    const redis = await startRedis();
    started.push(redis);
    const azurite = await startAzurite();
    started.push(azurite);
    const sim = await startSim(companies);
    started.push(sim);

    const dates = utcDates(DAYS);
    log(`${companies} companies: warming the sim (${dates[0]} .. ${dates[DAYS - 1]})`);
    result.warm = await warmSim(sim.url, dates);
    await postJson(`${sim.url}/__sim/reset`, {});
    await postJson(`${sim.url}/__sim/latency`, {
      minMs: config.latency.min,
      maxMs: config.latency.max,
    });
    const before = parseSimCalls(await requestJson(`${sim.url}/__sim/calls`, {}, 200));
    if (before.total !== 0) {
      throw new Error(`sim counted ${before.total} calls after reset`);
    }

    log(`${companies} companies: starting the service`);
    service = await startService({
      ...serviceEnv({ simUrl: sim.url, redisPort: redis.port, azuritePort: azurite.port }, runId),
      // A retried job is not a measurement: fail at once instead.
      PREGEN_ATTEMPTS: '1',
      LOG_LEVEL: 'warn',
      ...config.service,
      ...(config.serviceNodeOptions ? { NODE_OPTIONS: config.serviceNodeOptions } : {}),
    });
    started.push(service);
    const pids: Record<string, number> = {
      service: service.pid,
      azurite: azurite.pid,
      'upstream-sim': sim.pid,
      redis: redis.pid,
    };
    const cpuBefore = await cpuOf(pids);
    const machineBefore = await machineBusySeconds();
    sampler = new RssSampler(service.pid, RSS_SAMPLE_MS);

    log(`${companies} companies: POST /api/admin/pregen`);
    const trigger = Date.now();
    // No body: the service picks its default window (today .. today+6).
    const cycle = parseCycle(
      await requestJson(`${service.url}/api/admin/pregen`, { method: 'POST', headers: AUTH }, 202),
    );
    const notWarmed = cycle.jobs.filter((job) => !dates.includes(job.date));
    if (notWarmed.length > 0) {
      result.problems.push(
        `dates not pre-warmed (UTC midnight passed?): ${notWarmed.map((j) => j.date).join(', ')}`,
      );
    }
    const jobs = await pollCycle(
      service.url,
      cycle,
      trigger + config.cycleTimeoutS * 1000,
      service,
    );
    const detected = Date.now();
    result.sampledRss = sampler.stop();
    sampler = null;
    result.peakRssBytes = await procStatusBytes(service.pid, 'VmHWM');
    const cpuAfter = await cpuOf(pids);
    const machineAfter = await machineBusySeconds();
    for (const name of Object.keys(pids)) {
      const [a, b] = [cpuBefore[name], cpuAfter[name]];
      result.cpuSeconds[name] = a === null || b === null ? null : b - a;
    }
    if (machineBefore !== null && machineAfter !== null) {
      const ours = sum(Object.values(result.cpuSeconds).map((s) => s ?? 0));
      result.otherCpuSeconds = machineAfter - machineBefore - ours;
    }
    for (const [name, pid] of Object.entries(pids).filter(([n]) => n !== 'service')) {
      result.otherHwm[name] = await procStatusBytes(pid, 'VmHWM');
    }

    jobs.sort((a, b) => a.date.localeCompare(b.date));
    result.jobs = jobs;
    const lastFinished = Math.max(...jobs.map((job) => job.finishedAt ?? Number.NaN));
    const firstCreated = Math.min(...jobs.map((job) => job.createdAt));
    result.wallS = (lastFinished - trigger) / 1000;
    result.polledWallS = (detected - trigger) / 1000;
    result.jobSpanS = (lastFinished - firstCreated) / 1000;
    for (const job of jobs) {
      if (job.state !== 'completed' || job.result === null) {
        result.problems.push(`job ${job.id} ${job.state}: ${job.error ?? 'no result'}`);
        continue;
      }
      result.docs += job.result.written + job.result.emptied + job.result.unchanged;
      result.bytes += job.result.bytes;
      if (job.result.failed > 0) {
        result.problems.push(`job ${job.id}: ${job.result.failed} documents failed`);
      }
    }
    if (jobs.length !== DAYS) {
      result.problems.push(`${jobs.length} jobs, expected ${DAYS}`);
    }

    const calls = parseSimCalls(await requestJson(`${sim.url}/__sim/calls`, {}, 200));
    result.upstreamCalls = calls.total;
    result.simDelays = parseSimDelays(await requestJson(`${sim.url}/__sim/delays`, {}, 200));
    const repeated = Object.entries(calls.byDate).filter(([, count]) => count !== 1);
    if (calls.total !== DAYS || repeated.length > 0) {
      result.problems.push(
        `upstream calls ${calls.total} (expected ${DAYS}, one per date): ${JSON.stringify(calls.byDate)}`,
      );
    }
    result.ok = result.problems.length === 0;
  } catch (error) {
    result.problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    sampler?.stop();
    if (service) {
      result.serviceLog = service.lines();
    }
    for (const item of started.reverse()) {
      await stopTracked(item);
    }
  }
  return result;
}

async function cpuOf(pids: Record<string, number>): Promise<Record<string, number | null>> {
  const entries = await Promise.all(
    Object.entries(pids).map(async ([name, pid]) => [name, await procCpuSeconds(pid)] as const),
  );
  return Object.fromEntries(entries);
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const fixed = (value: number | null, digits: number): string =>
  value === null || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
const mib = (bytes: number | null): string => (bytes === null ? 'n/a' : fixed(bytes / MIB, 0));

function targetMet(run: RunResult): boolean | null {
  const target = TARGET_S[run.companies];
  if (target === undefined || run.wallS === null) {
    return null;
  }
  return run.ok && run.wallS < target;
}

function summaryTable(runs: RunResult[]): string {
  const lines = [
    '| companies | wall s | docs | docs/s | MB | upstream calls | peak RSS MB | target | met? |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const run of runs) {
    const target = TARGET_S[run.companies];
    const met = targetMet(run);
    const rate = run.wallS && run.docs > 0 ? run.docs / run.wallS : null;
    lines.push(
      `| ${run.companies} | ${fixed(run.wallS, 1)} | ${run.docs} | ${fixed(rate, 0)} | ` +
        `${fixed(run.bytes / MIB, 1)} | ${run.upstreamCalls ?? 'n/a'} | ${mib(run.peakRssBytes)} | ` +
        `${target === undefined ? '—' : `< ${target} s`} | ` +
        `${run.ok ? (met === null ? '—' : met ? 'yes' : 'no') : 'FAILED'} |`,
    );
  }
  return lines.join('\n');
}

function runDetails(run: RunResult): string {
  const out: string[] = [`### ${run.companies} companies${run.ok ? '' : ' (FAILED)'}`, ''];
  for (const problem of run.problems) {
    out.push(`- problem: ${problem}`);
  }
  if (run.warm.length > 0) {
    const ms = run.warm.map((w) => w.ms);
    const bytes = run.warm.map((w) => w.bytes);
    out.push(
      `- sim warm-up (data generation, not measured): ${fixed(sum(ms) / 1000, 1)} s for ` +
        `${run.warm.length} dates (${fixed(Math.min(...ms) / 1000, 2)}-${fixed(Math.max(...ms) / 1000, 2)} s each), ` +
        `upstream answer ${fixed(Math.min(...bytes) / MIB, 1)}-${fixed(Math.max(...bytes) / MIB, 1)} MB per date`,
    );
  }
  out.push(
    `- wall: trigger → last job finished ${fixed(run.wallS, 2)} s; trigger → poll saw it ` +
      `${fixed(run.polledWallS, 2)} s; first job created → last finished ${fixed(run.jobSpanS, 2)} s`,
  );
  if (run.sampledRss) {
    out.push(
      `- service RSS: VmHWM ${mib(run.peakRssBytes)} MB; max sampled VmRSS ` +
        `${mib(run.sampledRss.maxBytes)} MB (${run.sampledRss.samples} samples every ${RSS_SAMPLE_MS} ms)`,
    );
  }
  const hwm = Object.entries(run.otherHwm).map(([name, bytes]) => `${name} ${mib(bytes)} MB`);
  if (hwm.length > 0) {
    out.push(`- peak RSS of the others: ${hwm.join(', ')}`);
  }
  const cpu = Object.entries(run.cpuSeconds).map(([name, s]) => `${name} ${fixed(s, 1)} s`);
  if (cpu.length > 0 && run.wallS !== null) {
    const total = sum(Object.values(run.cpuSeconds).map((s) => s ?? 0));
    out.push(
      `- CPU time during the cycle (${os.cpus().length} cores × ${fixed(run.polledWallS, 1)} s available): ` +
        `${cpu.join(', ')}; total ${fixed(total, 1)} s; rest of the machine ` +
        `${fixed(run.otherCpuSeconds, 1)} s (this benchmark, kernel, anything else running)`,
    );
  }
  if (run.jobs.length > 0) {
    const results = run.jobs.flatMap((job) => (job.result ? [job.result] : []));
    if (results.length > 0) {
      const range = (values: number[]): string => `${Math.min(...values)}-${Math.max(...values)}`;
      out.push(
        `- per job: upstreamMs ${range(results.map((r) => r.upstreamMs))}, ` +
          `durationMs ${range(results.map((r) => r.durationMs))}, ` +
          `storing (durationMs − upstreamMs) ${range(results.map((r) => r.durationMs - r.upstreamMs))}`,
      );
      const overheads = run.jobs.flatMap((job) => {
        const delays = run.simDelays[job.date] ?? [];
        return job.result && delays.length === 1 ? [job.result.upstreamMs - delays[0]] : [];
      });
      if (overheads.length > 0) {
        out.push(
          `- upstreamMs beyond the simulated latency (transfer, waiting for the event loop, ` +
            `JSON.parse + validation + split): ${range(overheads)} ms`,
        );
      }
    }
    out.push(
      '',
      '| date | state | attemptsMade | queued ms | sim latency ms | upstreamMs | upstreamMs − latency | durationMs | store ms | finished at s | companies | written | emptied | unchanged | MB |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    const firstCreated = Math.min(...run.jobs.map((job) => job.createdAt));
    for (const job of run.jobs) {
      const r = job.result;
      const queued = job.processedAt === null ? null : job.processedAt - job.createdAt;
      const finished = job.finishedAt === null ? null : (job.finishedAt - firstCreated) / 1000;
      const delays = run.simDelays[job.date] ?? [];
      const latency = delays.length === 1 ? delays[0] : null;
      const overhead = r && latency !== null ? r.upstreamMs - latency : null;
      out.push(
        `| ${job.date} | ${job.state} | ${job.attempts} | ${fixed(queued, 0)} | ` +
          `${delays.length > 0 ? delays.join('+') : 'n/a'} | ${r?.upstreamMs ?? 'n/a'} | ` +
          `${fixed(overhead, 0)} | ${r?.durationMs ?? 'n/a'} | ` +
          `${r ? r.durationMs - r.upstreamMs : 'n/a'} | ${fixed(finished, 2)} | ` +
          `${r?.companies ?? 'n/a'} | ${r?.written ?? 'n/a'} | ${r?.emptied ?? 'n/a'} | ` +
          `${r?.unchanged ?? 'n/a'} | ${r ? fixed(r.bytes / MIB, 1) : 'n/a'} |`,
      );
    }
  }
  if (run.serviceLog.length > 0) {
    out.push('', `service log (LOG_LEVEL=warn): ${run.serviceLog.length} lines; last ones:`, '');
    for (const line of run.serviceLog.slice(-8)) {
      out.push(`    ${line.slice(0, 400)}`);
    }
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const int = (name: string, fallback: number, min: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      return fallback;
    }
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
    }
    return Number(raw);
  };
  const rawCompanies = env.BENCH_COMPANIES?.trim();
  const companies =
    rawCompanies === undefined || rawCompanies === ''
      ? DEFAULT_COMPANIES
      : rawCompanies.split(',').map((part) => {
          const value = part.trim();
          if (!/^[1-9]\d*$/.test(value)) {
            throw new Error(
              `BENCH_COMPANIES must be positive integers, comma-separated: "${part}"`,
            );
          }
          return Number(value);
        });
  const latency = {
    min: int('BENCH_LATENCY_MIN_MS', DEFAULT_LATENCY.min, 0),
    max: int('BENCH_LATENCY_MAX_MS', DEFAULT_LATENCY.max, 0),
  };
  if (latency.max < latency.min) {
    throw new Error('BENCH_LATENCY_MAX_MS must not be below BENCH_LATENCY_MIN_MS');
  }
  const service = { ...SERVICE_DEFAULTS };
  for (const name of SERVICE_PASS_THROUGH) {
    const value = env[name]?.trim();
    if (value) {
      service[name] = value;
    }
  }
  return {
    companies,
    latency,
    cycleTimeoutS: int('BENCH_CYCLE_TIMEOUT_S', DEFAULT_CYCLE_TIMEOUT_S, 1),
    repeat: int('BENCH_REPEAT', 1, 1),
    serviceNodeOptions: env.BENCH_SERVICE_NODE_OPTIONS?.trim() || undefined,
    requireTargets: env.BENCH_REQUIRE_TARGETS === '1',
    service,
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

async function main(): Promise<number> {
  const config = readConfig(process.env);
  for (const file of [SERVICE_MAIN, SIM_MAIN]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run npm run build && npm run build:tools`);
    }
  }
  const budgetS =
    config.companies.length * config.repeat * (config.cycleTimeoutS + PER_RUN_SLACK_S);
  setBudget(budgetS);

  const cpus = os.cpus();
  const settings = SERVICE_PASS_THROUGH.map((name) => `${name}=${config.service[name]}`).join(' ');
  const header = [
    '## Pre-generation benchmark: one full cycle (7 dates) per company count',
    '',
    `- machine: node ${process.version}, ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, ` +
      `${fixed(os.totalmem() / 1024 ** 3, 0)} GB RAM, ${new Date().toISOString()}`,
    `- upstream latency ${config.latency.min}-${config.latency.max} ms per date (simulated, own process); ` +
      `service: ${settings}, PREGEN_ATTEMPTS=1, LOG_LEVEL=warn` +
      (config.serviceNodeOptions ? `, NODE_OPTIONS=${config.serviceNodeOptions}` : ''),
    '- Redis, Azurite (in memory), the sim and the service: one process each, all on this machine',
    `- 1-min load average at start: ${os.loadavg()[0].toFixed(2)} (anything else busy skews the numbers)`,
  ];

  const runs: RunResult[] = [];
  for (const companies of config.companies.flatMap((n) => Array<number>(config.repeat).fill(n))) {
    if (isExiting()) {
      break;
    }
    const run = await runOnce(companies, config);
    runs.push(run);
    log(
      `${companies} companies: ${run.ok ? 'done' : 'FAILED'} in ${fixed(run.wallS, 1)} s` +
        (run.problems.length > 0 ? ` (${run.problems.join('; ').slice(0, 300)})` : ''),
    );
  }

  console.log(header.join('\n'));
  console.log('');
  console.log(summaryTable(runs));
  console.log('');
  console.log(
    'wall s: trigger to the last job finished (job timestamps); docs: written + emptied + ' +
      'unchanged over the 7 jobs; MB = 2^20 bytes of documents; peak RSS: VmHWM of the service.',
  );
  for (const run of runs) {
    console.log('');
    console.log(runDetails(run));
  }
  const failed = runs.some((run) => !run.ok);
  const missed = runs.some((run) => targetMet(run) === false);
  return failed || (config.requireTargets && missed) ? 1 : 0;
}

runBench(main);
