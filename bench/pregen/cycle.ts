/**
 * Measured pre-generation cycles for one company count: one simulator, warmed up once, then per
 * PREGEN_CONCURRENCY fresh Redis, Azurite and service; `POST /api/admin/pregen`, polled until
 * every job is done.
 */
import { randomBytes } from 'node:crypto';

import { postJson, requestJson } from '../support/http';
import { machineBusySeconds, procCpuSeconds, procStatusBytes } from '../support/proc-stats';
import { isExiting, log, sleep, withStarted, type Child, type Start } from '../support/processes';
import {
  AUTH,
  serviceEnv,
  startAzurite,
  startRedis,
  startService,
  type Service,
} from '../support/servers';
import { DAYS, type BenchConfig } from './config';
import { MemorySampler, type MemorySamples } from './memory';
import {
  parseCycle,
  parseJobs,
  parseSimCalls,
  parseSimDelays,
  type EnqueuedCycle,
  type JobView,
} from './parse';
import { startSim, utcDates, warmSim, type WarmDate } from './sim';

export const RSS_SAMPLE_MS = 200;
const POLL_INTERVAL_MS = 100;
const POLL_REQUEST_TIMEOUT_MS = 10_000;

export interface RunResult {
  companies: number;
  concurrency: number;
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
  sampledRss: MemorySamples | null;
  otherHwm: Record<string, number | null>;
  cpuSeconds: Record<string, number | null>;
  /** Busy CPU of the whole machine during the cycle minus the processes above (this one too). */
  otherCpuSeconds: number | null;
  serviceLog: string[];
}

export function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
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

async function cpuOf(pids: Record<string, number>): Promise<Record<string, number | null>> {
  const entries = await Promise.all(
    Object.entries(pids).map(async ([name, pid]) => [name, await procCpuSeconds(pid)] as const),
  );
  return Object.fromEntries(entries);
}

function emptyResult(companies: number, concurrency: number): RunResult {
  return {
    companies,
    concurrency,
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
}

/**
 * One cycle per PREGEN_CONCURRENCY of `config` for `companies`, sharing one warmed-up simulator
 * (generating a 5,000-company day takes ~40 s); whatever goes wrong ends up in `problems`.
 */
export async function runCompanies(companies: number, config: BenchConfig): Promise<RunResult[]> {
  const results = config.concurrencies.map((concurrency) => emptyResult(companies, concurrency));
  try {
    await withStarted(async (start) => {
      log(`${companies} companies: starting upstream-sim`);
      const sim = await start(startSim(companies));
      const dates = utcDates(DAYS);
      log(`${companies} companies: warming the sim (${dates[0]} .. ${dates[DAYS - 1]})`);
      const warm = await warmSim(sim.url, dates, companies);
      for (const result of results) {
        if (isExiting()) {
          break;
        }
        result.warm = warm;
        try {
          await withStarted((startCycle) => measureCycle(startCycle, config, result, sim, dates));
        } catch (error) {
          result.problems.push(error instanceof Error ? error.message : String(error));
        }
        result.ok = result.problems.length === 0;
      }
    });
  } catch (error) {
    for (const result of results.filter((r) => !r.ok && r.problems.length === 0)) {
      result.problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return results;
}

async function measureCycle(
  start: Start,
  config: BenchConfig,
  result: RunResult,
  sim: Service,
  dates: string[],
): Promise<void> {
  const { companies, concurrency } = result;
  const what = `${companies} companies, PREGEN_CONCURRENCY=${concurrency}`;
  log(`${what}: starting Redis, Azurite`);
  const redis = await start(startRedis());
  const azurite = await start(startAzurite());
  await postJson(`${sim.url}/__sim/reset`, {});
  await postJson(`${sim.url}/__sim/latency`, {
    minMs: config.latency.min,
    maxMs: config.latency.max,
  });
  const before = parseSimCalls(await requestJson(`${sim.url}/__sim/calls`, {}, 200));
  if (before.total !== 0) {
    throw new Error(`sim counted ${before.total} calls after reset`);
  }

  log(`${what}: starting the service`);
  const backends = { simUrl: sim.url, redisPort: redis.port, azuritePort: azurite.port };
  const service = await start(
    startService({
      ...serviceEnv(backends, `${companies}-${randomBytes(4).toString('hex')}`),
      // A retried job is not a measurement: fail at once instead.
      PREGEN_ATTEMPTS: '1',
      LOG_LEVEL: 'warn',
      // Polls every 100 ms for minutes at 5,000 companies: over the default 600 a minute.
      RATE_LIMIT_PER_MINUTE: '0',
      PREGEN_CONCURRENCY: String(concurrency),
      ...config.service,
      ...(config.serviceNodeOptions ? { NODE_OPTIONS: config.serviceNodeOptions } : {}),
    }),
  );
  try {
    await measureJobs(config, result, dates, service, {
      service: service.pid,
      azurite: azurite.pid,
      'upstream-sim': sim.pid,
      redis: redis.pid,
    });
    await countUpstreamCalls(sim.url, result);
  } finally {
    result.serviceLog = service.lines();
  }
}

/** Triggers the cycle and waits for its jobs, measuring the processes `pids` meanwhile. */
async function measureJobs(
  config: BenchConfig,
  result: RunResult,
  dates: string[],
  service: Service,
  pids: Record<string, number>,
): Promise<void> {
  const cpuBefore = await cpuOf(pids);
  const machineBefore = await machineBusySeconds();
  const sampler = new MemorySampler(service.pid, service.url, RSS_SAMPLE_MS);
  let trigger: number;
  let jobs: JobView[];
  try {
    log(
      `${result.companies} companies, PREGEN_CONCURRENCY=${result.concurrency}: POST /api/admin/pregen`,
    );
    trigger = Date.now();
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
    jobs = await pollCycle(service.url, cycle, trigger + config.cycleTimeoutS * 1000, service);
  } catch (error) {
    sampler.stop();
    throw error;
  }
  const detected = Date.now();
  result.sampledRss = sampler.stop();
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
  recordJobs(result, jobs, trigger, detected);
}

function recordJobs(result: RunResult, jobs: JobView[], trigger: number, detected: number): void {
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
}

/** The simulator's count: exactly one upstream call per date. */
async function countUpstreamCalls(simUrl: string, result: RunResult): Promise<void> {
  const calls = parseSimCalls(await requestJson(`${simUrl}/__sim/calls`, {}, 200));
  result.upstreamCalls = calls.total;
  result.simDelays = parseSimDelays(await requestJson(`${simUrl}/__sim/delays`, {}, 200));
  const repeated = Object.entries(calls.byDate).filter(([, count]) => count !== 1);
  if (calls.total !== DAYS || repeated.length > 0) {
    result.problems.push(
      `upstream calls ${calls.total} (expected ${DAYS}, one per date): ${JSON.stringify(calls.byDate)}`,
    );
  }
}
