/**
 * HTTP benchmark of the read path (issue 5): hot hits against bare node:http, the naive design,
 * 304s, pre-compressed answers, miss storms across two replicas, stale-while-revalidate,
 * stale-if-error and the memory bound of the in-process cache.
 *
 * Run: `npm run bench` (builds, then runs this file); `npm run bench -- --write` also writes the
 * report to bench/RESULTS.md. It starts its own Redis, Azurite (in memory), the simulated legacy
 * API (in this process), the service processes (`dist/main.js`) and the bare baselines, and
 * stops them all at the end, on Ctrl-C and on errors.
 *
 * Environment (defaults keep the whole run to ~5 minutes on 2 cores):
 * - BENCH_DURATION_S         measured seconds per load run (5), BENCH_WARMUP_S before each (1)
 * - BENCH_CONNECTIONS        connections of every load run (50)
 * - BENCH_SCENARIOS          which scenarios, comma-separated numbers (all: 1-9)
 * - BENCH_STORM_SIZES        concurrent requests per miss storm (1,10,100,1000)
 * - BENCH_STORM_LATENCY_MS   simulated upstream latency during the storms (2000)
 * - BENCH_SWR_LATENCY_MS     simulated upstream latency during the stale-while-revalidate runs
 *   (default: longer than those runs, so that one refresh is running through all of them)
 * - BENCH_MEMORY_DOCS        distinct documents of the memory scenario (5000)
 * - BENCH_MEMORY_PASSES      round-robin passes over them (2)
 * - BENCH_MEMORY_CACHE_MB    CACHE_MEMORY_MB of that service (unset: the service's default)
 * - BENCH_LOG_LEVEL          the services' LOG_LEVEL (warn: no log line per request)
 * - BENCH_RATE_LIMIT_PER_MINUTE  the services' RATE_LIMIT_PER_MINUTE (0: off; set it high,
 *   e.g. 1000000, to measure what the limiter costs per request)
 * - BENCH_REQUIRE_GOALS=1    also exit 1 when a goal is missed (default: only on errors)
 *
 * Latency at a fixed rate (scenario 1) comes from evenly paced runs (support/paced-load.ts), not
 * from autocannon's `overallRate`, which sends each second's quota in a burst at full load.
 *
 * The document: the simulated company and date whose answer is closest to 100 KB, fetched from
 * the service once (a real miss through the sim); the baselines serve that exact Buffer with the
 * service's own response headers (caching, security, X-Request-Id), so both send the same bytes
 * and the load generator, on the same cores, parses the same answers.
 */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import * as prettier from 'prettier';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { mapLimit } from '../src/common/map-limit';
import { rawGet, type RawAnswer } from '../test/support/raw-get';
import { azuriteConnectionString } from '../test/support/services';
import { createUpstreamSim, type UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { load, measure, measurePaced, type Measured } from './support/load';
import { PacedLoadThread } from './support/paced-load';
import { percentile } from './support/stats';
import { machineLines } from './support/machine';
import {
  isExiting,
  log,
  imageNodeFlags,
  ROOT,
  runBench,
  SERVICE_MAIN,
  setBudget,
  sleep,
  spawnNode,
  startAzurite,
  startRedis,
  startService,
  stopTracked,
  waitFor,
  type Child,
} from './support/processes';
import { procStatusBytes, RssSampler } from './support/proc-stats';

const TARGET_DOC_BYTES = 100 * 1024;
const SIM_COMPANIES = 20;
/** Not a simulated company: its document is only ever the seeded one. */
const HOT_COMPANY_ID = 999_001;
const ADMIN_TOKEN = `bench-${randomBytes(12).toString('hex')}`;
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const BARE_SERVER = join(__dirname, 'support', 'bare-server.js');
/** The service's default CACHE_MEMORY_MB. */
const CACHE_MEMORY_MB_DEFAULT = 256;
/** Allowance on top of the cache-off reference's peak RSS + CACHE_MEMORY_MB (GC timing). */
const MEMORY_SLACK_MB = 32;
const STALE_MAX_AGE_S = 1;
const SWR_LATENCY_MARGIN_S = 5;
const STALE_IF_ERROR_LATENCY_MS = 500;
// One run on a shared machine moves ±20 %: comparisons use medians of alternating rounds.
const ROUNDS = 3;
// A p99 moves more between runs than req/s does.
const P99_ROUNDS = 7;
const STORM_TIMEOUT_MS = 60_000;
const PROBE_INTERVAL_MS = 100;
const MIB = 1024 * 1024;
// Scenario 9: a rate that leaves the 2 shared cores idle enough to see the event loop's stalls,
// and a new date refreshed every REFRESH_EVERY_MS (production: 7 dates every 30 minutes).
const REFRESH_HIT_RATE = 1_000;
const REFRESH_EVERY_MS = 500;
const REFRESH_DATES = 60;

type Scenario = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
const ALL_SCENARIOS: readonly Scenario[] = [1, 2, 3, 4, 5, 6, 7, 8, 9];

interface Config {
  durationS: number;
  warmupS: number;
  connections: number;
  scenarios: ReadonlySet<Scenario>;
  stormSizes: number[];
  stormLatencyMs: number;
  swrLatencyMs: number;
  memoryDocs: number;
  memoryPasses: number;
  memoryConcurrency: number;
  /** CACHE_MEMORY_MB of the memory scenario's service; null: the service's default. */
  memoryCacheMb: number | null;
  logLevel: string;
  /** The services' RATE_LIMIT_PER_MINUTE (0 = off). */
  rateLimitPerMinute: number;
  requireGoals: boolean;
  write: boolean;
}

/** One line of the summary table. */
interface Row {
  scenario: string;
  reqPerS: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  baseline: string;
  ratio: string;
  goal: string;
  pass: boolean | null;
}

/** One load run, for the resource table. */
interface Run {
  label: string;
  measured: Measured;
}

interface Stack {
  redisPort: number;
  azuritePort: number;
  sim: UpstreamSim;
  blob: BlobServiceClient;
}

interface HotDocument {
  companyId: number;
  date: string;
  body: Buffer;
  etag: string | null;
}

type Service = Child & { url: string };

class Report {
  readonly rows: Row[] = [];
  readonly runs: Run[] = [];
  readonly details: string[] = [];
  errors = 0;

  detail(line: string): void {
    this.details.push(`- ${line}`);
    log(line);
  }

  run(label: string, measured: Measured): Measured {
    this.runs.push({ label, measured });
    const r = measured.result;
    log(
      `${label}: ${r.reqPerS.toFixed(0)} req/s, p50 ${formatMs(r.p50Ms)} ms, ` +
        `p99 ${formatMs(r.p99Ms)} ms, server ${fixed(measured.serverCpuUsPerRequest, 0)} µs/req`,
    );
    return measured;
  }

  error(scenario: string, error: unknown): void {
    this.errors++;
    const message = error instanceof Error ? error.message : String(error);
    this.rows.push({
      scenario,
      reqPerS: null,
      p50Ms: null,
      p99Ms: null,
      baseline: '—',
      ratio: `error: ${message.split('\n')[0].slice(0, 120)}`,
      goal: '—',
      pass: false,
    });
    this.detail(`${scenario}: ERROR ${message.slice(0, 2000)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** autocannon's whole milliseconds as they are; the paced runs' fractions to 0.1 ms. */
const formatMs = (value: number | null): string =>
  value === null ? '—' : Number.isInteger(value) ? String(value) : value.toFixed(1);

const fixed = (value: number | null, digits: number): string =>
  value === null || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);

function scheduleUrl(base: string, date: string, companyId: number): string {
  return `${base}/api/dr-schedule?startDate=${date}&endDate=${date}&serviceCompanyId=${companyId}`;
}

function utcDate(offsetDays: number): string {
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  return new Date(today + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** The item whose `value` is the median (the upper one of an even count). */
function medianBy<T>(items: T[], value: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => value(a) - value(b));
  return sorted[Math.floor(sorted.length / 2)];
}

function median(values: number[]): number {
  return medianBy(values, (v) => v);
}

// Set per connection or per response by node:http itself.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'date',
  'content-length',
  'transfer-encoding',
]);

/** The headers a baseline sends to answer the same bytes as the service. */
function replayedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name, value]) => !HOP_BY_HOP.has(name) && typeof value === 'string')
      .map(([name, value]) => [name, value as string]),
  );
}

function header(answer: RawAnswer, name: string): string | null {
  const value = answer.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/** The answer's cache headers, for the report. */
function cacheHeaders(answer: RawAnswer): string {
  return ['etag', 'last-modified', 'cache-control', 'vary', 'age', 'x-cache', 'content-encoding']
    .map((name) => `${name}: ${header(answer, name) ?? '(none)'}`)
    .join('; ');
}

/** Problems with a run's answers: anything but `expected` statuses, errors, timeouts. */
function runProblems(m: Measured, expected: number): string | null {
  const r = m.result;
  const other = [...r.statuses].filter(([code]) => code !== expected);
  const parts = [
    ...other.map(([code, count]) => `${count}× HTTP ${code}`),
    ...(r.errors > 0 ? [`${r.errors} errors or timeouts`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : null;
}

/** Counts X-Cache values of one request every PROBE_INTERVAL_MS until stopped. */
class CacheProbe {
  private readonly seen = new Map<string, number>();
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(urls: string[]) {
    this.done = this.loop(urls);
  }

  private async loop(urls: string[]): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      try {
        const answer = await rawGet(urls[i % urls.length], AUTH);
        const key = `${answer.status} ${header(answer, 'x-cache') ?? '(no X-Cache)'}`;
        this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
      } catch (error) {
        this.seen.set(`error ${String(error)}`, (this.seen.get(`error ${String(error)}`) ?? 0) + 1);
      }
      await sleep(PROBE_INTERVAL_MS);
    }
  }

  async stop(): Promise<Map<string, number>> {
    this.stopped = true;
    await this.done;
    return this.seen;
  }
}

function describeCounts(counts: Map<string, number>): string {
  return [...counts].map(([key, count]) => `${key} ×${count}`).join(', ') || 'nothing';
}

function countWithXCache(counts: Map<string, number>, value: string): number {
  return [...counts].filter(([key]) => key.endsWith(` ${value}`)).reduce((n, [, c]) => n + c, 0);
}

// ---------------------------------------------------------------------------------------------
// The stack
// ---------------------------------------------------------------------------------------------

class Bench {
  private readonly tmp = mkdtempSync(join(tmpdir(), 'bench-http-'));
  private readonly paced = new PacedLoadThread();

  constructor(
    private readonly config: Config,
    private readonly stack: Stack,
    private readonly report: Report,
  ) {}

  async close(): Promise<void> {
    rmSync(this.tmp, { recursive: true, force: true });
    await this.paced.close();
  }

  /** Environment of a service process; `group` names its container and queue prefix. */
  private env(group: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      UPSTREAM_BASE_URL: this.stack.sim.url,
      UPSTREAM_API_TOKEN: '',
      REDIS_URL: `redis://127.0.0.1:${this.stack.redisPort}`,
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(this.stack.azuritePort),
      BLOB_CONTAINER: `bench-${group}`,
      QUEUE_PREFIX: `bench-${group}`,
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
      PREGEN_ENABLED: 'false',
      SCHEDULE_TIMEZONE: 'UTC',
      LOG_LEVEL: this.config.logLevel,
      // One load generator is one client: a per-client limit would answer most requests 429.
      RATE_LIMIT_PER_MINUTE: String(this.config.rateLimitPerMinute),
      ADMIN_RATE_LIMIT_PER_MINUTE: '0',
      ...extra,
    };
  }

  private container(group: string): ContainerClient {
    return this.stack.blob.getContainerClient(`bench-${group}`);
  }

  /** Bare node:http answering `answer`'s bytes: its body and its headers, as they are. */
  private async startBare(answer: RawAnswer, name = 'bare'): Promise<Service> {
    const file = join(this.tmp, `body-${randomBytes(4).toString('hex')}`);
    writeFileSync(file, answer.body);
    writeFileSync(`${file}.headers.json`, JSON.stringify(replayedHeaders(answer.headers)));
    const bare = spawnNode(name, BARE_SERVER, process.env, [file, `${file}.headers.json`]);
    let url: string | undefined;
    await waitFor(bare.name, bare, () => {
      url = /listening on (http:\/\/\S+)/.exec(bare.outputTail)?.[1];
      return Promise.resolve(url !== undefined);
    });
    return Object.assign(bare, { url: `${url ?? ''}/` });
  }

  /** A warm-up of `warmupS` seconds, then one measured autocannon run. */
  private async loadRun(
    label: string,
    pid: number,
    url: string,
    headers: Record<string, string>,
    warmupS = this.config.warmupS,
  ): Promise<Measured> {
    const options = { url, connections: this.config.connections, headers };
    if (warmupS > 0) {
      await load({ ...options, duration: warmupS });
    }
    return this.report.run(
      label,
      await measure(pid, { ...options, duration: this.config.durationS }),
    );
  }

  /** A paced run at a fixed rate (after a warm-up at that rate), for latency at that load. */
  private async pacedRun(label: string, pid: number, url: string, rate: number): Promise<Measured> {
    const options = { url, headers: AUTH, connections: this.config.connections, rate };
    if (this.config.warmupS > 0) {
      await this.paced.run({ ...options, durationS: this.config.warmupS });
    }
    return this.report.run(
      label,
      await measurePaced(pid, this.paced, { ...options, durationS: this.config.durationS }),
    );
  }

  private row(
    scenario: string,
    subject: Measured | null,
    fields: Pick<Row, 'baseline' | 'ratio' | 'goal' | 'pass'>,
  ): void {
    const r = subject?.result;
    this.report.rows.push({
      scenario,
      reqPerS: r ? r.reqPerS : null,
      p50Ms: r ? r.p50Ms : null,
      p99Ms: r ? r.p99Ms : null,
      ...fields,
    });
  }

  /** Each run `ROUNDS` times, alternating; for each, the round with the median req/s. */
  private async alternating(runs: ((round: number) => Promise<Measured>)[]): Promise<Measured[]> {
    const results: Measured[][] = runs.map(() => []);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [index, run] of runs.entries()) {
        results[index].push(await run(round));
      }
    }
    return results.map((measured) => medianBy(measured, (m) => m.result.reqPerS));
  }

  /** Throughput ratio row: subject req/s ÷ baseline req/s against `min`. */
  private ratioRow(
    scenario: string,
    subject: Measured,
    baseline: Measured,
    baselineName: string,
    min: number,
    expectedStatus = 200,
  ): void {
    const ratio = subject.result.reqPerS / Math.max(1, baseline.result.reqPerS);
    const problems = [runProblems(subject, expectedStatus), runProblems(baseline, 200)].filter(
      (p): p is string => p !== null,
    );
    this.row(scenario, subject, {
      baseline: `${baselineName}: ${baseline.result.reqPerS.toFixed(0)} req/s`,
      ratio: `${ratio.toFixed(2)}×${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`,
      goal: `≥ ${min}×`,
      pass: problems.length === 0 && ratio >= min,
    });
  }

  /**
   * Diagnostic row: the baseline's server CPU per request ÷ the subject's (above 1: the subject
   * costs less). When the load generator is the bottleneck, req/s cannot tell servers apart.
   */
  private cpuRow(
    scenario: string,
    [subjectName, subject]: [string, Measured],
    [baselineName, baseline]: [string, Measured],
    goal: string,
  ): void {
    const subjectUs = subject.serverCpuUsPerRequest;
    const baselineUs = baseline.serverCpuUsPerRequest;
    this.report.rows.push({
      scenario,
      reqPerS: null,
      p50Ms: null,
      p99Ms: null,
      baseline: `${subjectName} ${fixed(subjectUs, 0)} µs, ${baselineName} ${fixed(baselineUs, 0)} µs`,
      ratio: `${fixed(subjectUs && baselineUs ? baselineUs / subjectUs : null, 2)}×`,
      goal,
      pass: null,
    });
  }

  // -------------------------------------------------------------------------------------------
  // The document
  // -------------------------------------------------------------------------------------------

  /**
   * The simulated (company, date) whose answer is closest to TARGET_DOC_BYTES, for the scenarios
   * that need the upstream to refresh the document (the sim's answers are ~10-80 KB or ~330 KB).
   */
  simDocument(): { companyId: number; date: string; simBytes: number } {
    let best = { companyId: 0, date: '', simBytes: 0 };
    for (let offset = 10; offset < 25; offset++) {
      const date = utcDate(offset);
      for (const companyId of this.stack.sim.companyIds()) {
        const simBytes = Buffer.byteLength(this.stack.sim.responseBody(date, companyId));
        if (Math.abs(simBytes - TARGET_DOC_BYTES) < Math.abs(best.simBytes - TARGET_DOC_BYTES)) {
          best = { companyId, date, simBytes };
        }
      }
    }
    return best;
  }

  /** A legacy envelope of ~TARGET_DOC_BYTES: the sim's jobs of one date, as many as fit. */
  hotDocument(): { companyId: number; date: string; body: Buffer } {
    const date = utcDate(50);
    const jobs: string[] = [];
    let size = 0;
    for (const job of this.stack.sim.jobsFor(date)) {
      if (size >= TARGET_DOC_BYTES) {
        break;
      }
      const text = JSON.stringify(job);
      jobs.push(text);
      size += text.length + 1;
    }
    const body = Buffer.from(
      `{"Result":[${jobs.join(',')}],"Message":"Successfully retrieved ${jobs.length} jobs","IsSuccess":true}`,
    );
    return { companyId: HOT_COMPANY_ID, date, body };
  }

  /** A miss on `service` stores the document; returns it once a hit serves it. */
  private async loadDocument(
    service: Service,
    companyId: number,
    date: string,
  ): Promise<HotDocument> {
    const url = scheduleUrl(service.url, date, companyId);
    const miss = await rawGet(url, AUTH);
    if (miss.status !== 200) {
      throw new Error(`first GET: HTTP ${miss.status} ${miss.body.toString().slice(0, 300)}`);
    }
    const hit = await waitForHit(url);
    if (!hit.body.equals(miss.body)) {
      throw new Error('the hit differs from the miss');
    }
    this.report.detail(
      `sim document: company ${companyId}, ${date}, ${hit.body.length} bytes; miss X-Cache ` +
        `${header(miss, 'x-cache')}; hit headers: ${cacheHeaders(hit)}`,
    );
    return { companyId, date, body: hit.body, etag: header(hit, 'etag') };
  }

  // -------------------------------------------------------------------------------------------
  // Scenarios 1-4 and 9: one service with the default cache; 2: one without (the naive design)
  // -------------------------------------------------------------------------------------------

  async hotScenarios(seeded: { companyId: number; date: string; body: Buffer }): Promise<void> {
    if (!([1, 2, 3, 4, 9] as const).some((n) => this.config.scenarios.has(n))) {
      return;
    }
    const started: Service[] = [];
    try {
      const container = this.container('hot');
      await container.createIfNotExists();
      await seedDocument(container, seeded.companyId, seeded.date, seeded.body);
      const service = await startService(this.env('hot'), 'service');
      started.push(service);
      const url = scheduleUrl(service.url, seeded.date, seeded.companyId);
      const hit = await waitForHit(url);
      if (!hit.body.equals(seeded.body)) {
        throw new Error(`the service answers other bytes than the seeded document`);
      }
      const doc = { ...seeded, etag: header(hit, 'etag') };
      this.report.detail(
        `document: ${doc.body.length} bytes seeded as company ${doc.companyId}, ${doc.date}; ` +
          `hit headers: ${cacheHeaders(hit)}`,
      );
      // The service's code is compiled and warm before the first comparison's first round.
      await load({
        url,
        connections: this.config.connections,
        headers: AUTH,
        duration: this.config.warmupS + this.config.durationS,
      });

      if (this.config.scenarios.has(1)) {
        await this.guard('1. hot hit vs bare node:http', async () => {
          const bare = await this.startBare(hit);
          started.push(bare);
          await this.scenarioHotHit(service, url, bare);
        });
      }
      if (this.config.scenarios.has(2)) {
        await this.guard('2. hot hit vs naive (blob read per request)', async () => {
          const naive = await startService(this.env('hot', { CACHE_MEMORY_MB: '0' }), 'naive');
          started.push(naive);
          const naiveUrl = scheduleUrl(naive.url, doc.date, doc.companyId);
          const [svc, m] = await this.alternating([
            (round) => this.loadRun(`hot hit beside naive, round ${round}`, service.pid, url, AUTH),
            (round) =>
              this.loadRun(`naive (CACHE_MEMORY_MB=0), round ${round}`, naive.pid, naiveUrl, AUTH),
          ]);
          this.ratioRow(
            '2. hot hit vs naive (blob read per request)',
            svc,
            m,
            `naive, median of ${ROUNDS}`,
            10,
          );
          this.cpuRow(
            '2. hot hit vs naive, server CPU per request (naive µs ÷ hit µs)',
            ['hit', svc],
            ['naive', m],
            "diagnostic: req/s of the hit's runs is the load generator's ceiling",
          );
        });
      }
      if (this.config.scenarios.has(3)) {
        await this.guard('3. 304 If-None-Match vs 200 hit', () =>
          this.scenarioNotModified(service, url, doc),
        );
      }
      if (this.config.scenarios.has(4)) {
        for (const encoding of ['br', 'gzip'] as const) {
          await this.guard(`4. Accept-Encoding: ${encoding} vs bare`, async () => {
            await this.scenarioEncoding(service, url, doc, encoding, started);
          });
        }
      }
      if (this.config.scenarios.has(9)) {
        await this.guard('9. hot hit while the replica refreshes', () =>
          this.scenarioRefreshing(service, url),
        );
      }
    } finally {
      for (const child of started.reverse()) {
        await stopTracked(child);
      }
    }
  }

  private async scenarioHotHit(service: Service, url: string, bare: Service): Promise<void> {
    const [svc, base] = await this.alternating([
      (round) => this.loadRun(`hot hit (service), round ${round}`, service.pid, url, AUTH),
      (round) => this.loadRun(`bare node:http, round ${round}`, bare.pid, bare.url, AUTH),
    ]);
    this.ratioRow('1. hot hit, throughput', svc, base, `bare, median of ${ROUNDS}`, 0.8);
    this.cpuRow(
      '1. hot hit, server CPU per request (bare µs ÷ service µs)',
      ['service', svc],
      ['bare', base],
      'diagnostic: what a hit costs beyond the bytes',
    );

    // A p99 is a few stalls of a shared machine: rounds alternate and medians compare.
    const rate = Math.max(1, Math.round(base.result.reqPerS / 2));
    const bareRuns: Measured[] = [];
    const svcRuns: Measured[] = [];
    for (let round = 1; round <= P99_ROUNDS; round++) {
      const suffix = `paced at ${rate} req/s, round ${round}`;
      bareRuns.push(await this.pacedRun(`bare ${suffix}`, bare.pid, bare.url, rate));
      svcRuns.push(await this.pacedRun(`hot hit ${suffix}`, service.pid, url, rate));
    }
    const bareP99 = median(bareRuns.map((m) => m.result.p99Ms));
    const svcP99 = median(svcRuns.map((m) => m.result.p99Ms));
    const p99Ratio = svcP99 / Math.max(0.001, bareP99);
    const problems = [
      ...svcRuns.map((m) => runProblems(m, 200)),
      ...bareRuns.map((m) => runProblems(m, 200)),
    ].filter(Boolean);
    const slowest = Math.min(...svcRuns.map((m) => m.result.reqPerS));
    if (slowest < rate * 0.95) {
      problems.push(`reached ${slowest.toFixed(0)} of ${rate} req/s`);
    }
    this.report.rows.push({
      scenario: `1. hot hit paced at ${rate} req/s (half of bare max), median p99 of ${P99_ROUNDS} runs`,
      reqPerS: median(svcRuns.map((m) => m.result.reqPerS)),
      p50Ms: median(svcRuns.map((m) => m.result.p50Ms)),
      p99Ms: svcP99,
      baseline: `bare median p99 ${formatMs(bareP99)} ms`,
      ratio: `${p99Ratio.toFixed(2)}×${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`,
      goal: '≤ 1.5×',
      pass: problems.length === 0 && p99Ratio <= 1.5,
    });
  }

  /**
   * Hits paced while the same replica refreshes another date every REFRESH_EVERY_MS (one miss
   * each: fetch, split, store), against the same paced hits with nothing else running.
   */
  private async scenarioRefreshing(service: Service, url: string): Promise<void> {
    const rate = REFRESH_HIT_RATE;
    const companyId = this.stack.sim.companyIds()[0];
    const dates = Array.from({ length: REFRESH_DATES }, (_, i) => utcDate(100 + i));
    // The simulator builds a date's answer on its first request: here, not during the runs.
    for (const date of dates) {
      this.stack.sim.responseBody(date);
    }
    const quiet: Measured[] = [];
    const busy: Measured[] = [];
    let refreshes = 0;
    const failures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const suffix = `paced at ${rate} req/s, round ${round}`;
      quiet.push(await this.pacedRun(`hot hit ${suffix}, quiet`, service.pid, url, rate));
      let running = true;
      const refreshing = (async () => {
        for (let date = dates.shift(); running && date; date = dates.shift()) {
          const next = sleep(REFRESH_EVERY_MS);
          const answer = await rawGet(scheduleUrl(service.url, date, companyId), AUTH);
          if (answer.status === 200 && header(answer, 'x-cache') === 'MISS') {
            refreshes += 1;
          } else {
            failures.push(`${date}: HTTP ${answer.status} ${header(answer, 'x-cache')}`);
          }
          await next;
        }
      })();
      try {
        busy.push(await this.pacedRun(`hot hit ${suffix}, refreshing`, service.pid, url, rate));
      } finally {
        running = false;
        await refreshing;
      }
    }
    const quietP99 = median(quiet.map((m) => m.result.p99Ms));
    const busyP99 = median(busy.map((m) => m.result.p99Ms));
    const problems = [...quiet, ...busy].map((m) => runProblems(m, 200)).filter(Boolean);
    if (failures.length > 0) {
      problems.push(`refreshes not answered MISS 200: ${failures.slice(0, 3).join(', ')}`);
    }
    if (dates.length === 0) {
      problems.push(`all ${REFRESH_DATES} dates used before the runs ended`);
    }
    this.report.detail(
      `refreshing: ${refreshes} dates refreshed (a miss each) during ${ROUNDS} paced runs`,
    );
    this.report.rows.push({
      scenario: `9. hot hit paced at ${rate} req/s while the replica refreshes a date every ${REFRESH_EVERY_MS} ms, median p99 of ${ROUNDS} runs`,
      reqPerS: median(busy.map((m) => m.result.reqPerS)),
      p50Ms: median(busy.map((m) => m.result.p50Ms)),
      p99Ms: busyP99,
      baseline: `same rate, nothing else running: median p99 ${formatMs(quietP99)} ms`,
      ratio: `${(busyP99 / Math.max(0.001, quietP99)).toFixed(2)}×, ${refreshes} refreshes${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`,
      goal: 'diagnostic: what refreshes cost the hits beside them',
      pass: problems.length === 0 ? null : false,
    });
  }

  private async scenarioNotModified(
    service: Service,
    url: string,
    doc: HotDocument,
  ): Promise<void> {
    const scenario = '3. 304 If-None-Match vs 200 hit';
    if (doc.etag === null) {
      this.row(scenario, null, {
        baseline: '200 hit',
        ratio: 'no ETag on the hit',
        goal: '≥ 1.5×, no body',
        pass: false,
      });
      return;
    }
    const headers = { ...AUTH, 'if-none-match': doc.etag };
    const check = await rawGet(url, headers);
    this.report.detail(
      `304 check: HTTP ${check.status}, ${check.body.length} body bytes, ` +
        `content-length ${header(check, 'content-length') ?? '(none)'}`,
    );
    const [m, hit] = await this.alternating([
      (round) => this.loadRun(`If-None-Match (service), round ${round}`, service.pid, url, headers),
      (round) => this.loadRun(`200 hit beside 304, round ${round}`, service.pid, url, AUTH),
    ]);
    const bytesPerResponse = m.result.bytes / Math.max(1, m.result.requests);
    this.report.detail(
      `304 run: ${bytesPerResponse.toFixed(0)} bytes per response (headers included) against ` +
        `${(hit.result.bytes / Math.max(1, hit.result.requests)).toFixed(0)} for the 200 hit`,
    );
    const noBody = check.status === 304 && check.body.length === 0 && bytesPerResponse < 1024;
    const ratio = m.result.reqPerS / Math.max(1, hit.result.reqPerS);
    const problems = [runProblems(m, 304), runProblems(hit, 200)].filter(Boolean);
    this.row(scenario, m, {
      baseline: `200 hit, median of ${ROUNDS}: ${hit.result.reqPerS.toFixed(0)} req/s`,
      ratio:
        `${ratio.toFixed(2)}×, ${bytesPerResponse.toFixed(0)} B/response` +
        (problems.length > 0 ? ` (${problems.join('; ')})` : ''),
      goal: '≥ 1.5×, no body',
      pass: noBody && problems.length === 0 && ratio >= 1.5,
    });
  }

  private async scenarioEncoding(
    service: Service,
    url: string,
    doc: HotDocument,
    encoding: 'br' | 'gzip',
    started: Service[],
  ): Promise<void> {
    const scenario = `4. Accept-Encoding: ${encoding} vs bare`;
    const headers = { ...AUTH, 'accept-encoding': encoding };
    const [first, second] = [await rawGet(url, headers), await rawGet(url, headers)];
    const got = header(first, 'content-encoding');
    const decoded =
      got === 'br'
        ? brotliDecompressSync(first.body)
        : got === 'gzip'
          ? gunzipSync(first.body)
          : first.body;
    const problems = [
      ...(first.status !== 200 ? [`HTTP ${first.status}`] : []),
      ...(got !== encoding ? [`Content-Encoding ${got ?? '(none)'}`] : []),
      ...(!decoded.equals(doc.body) ? ['does not decode to the document'] : []),
      ...(!second.body.equals(first.body) ? ['compressed bytes differ between requests'] : []),
    ];
    this.report.detail(
      `${encoding}: ${first.body.length} bytes on the wire for ${doc.body.length} ` +
        `(${((first.body.length / doc.body.length) * 100).toFixed(1)} %); ${problems.join(', ') || 'decodes to the identity bytes'}`,
    );
    if (problems.length > 0) {
      this.row(scenario, null, {
        baseline: '—',
        ratio: problems.join(', '),
        goal: '≥ 0.8×',
        pass: false,
      });
      return;
    }
    const bare = await this.startBare(first, `bare-${encoding}`);
    started.push(bare);
    const [svc, base] = await this.alternating([
      (round) => this.loadRun(`${encoding} (service), round ${round}`, service.pid, url, headers),
      (round) => this.loadRun(`${encoding} (bare), round ${round}`, bare.pid, bare.url, headers),
    ]);
    this.ratioRow(scenario, svc, base, `bare ${encoding}, median of ${ROUNDS}`, 0.8);
    this.cpuRow(
      `4. ${encoding}, server CPU per request (bare µs ÷ service µs)`,
      ['service', svc],
      ['bare', base],
      'diagnostic: both runs are client-bound, so req/s hides this',
    );
  }

  // -------------------------------------------------------------------------------------------
  // Scenario 5: miss storms across two replicas
  // -------------------------------------------------------------------------------------------

  async stormScenario(companyId: number): Promise<void> {
    if (!this.config.scenarios.has(5)) {
      return;
    }
    const started: Service[] = [];
    const { sim } = this.stack;
    try {
      for (const name of ['replica-1', 'replica-2']) {
        started.push(await startService(this.env('storm'), name));
      }
      const latency = this.config.stormLatencyMs;
      sim.setLatency(latency, latency);
      for (const [i, n] of this.config.stormSizes.entries()) {
        await this.guard(`5. miss storm, ${n} concurrent`, () =>
          this.storm(started, n, utcDate(100 + i), companyId),
        );
      }
    } finally {
      sim.setLatency(0, 0);
      for (const child of started.reverse()) {
        await stopTracked(child);
      }
    }
  }

  private async storm(
    replicas: Service[],
    n: number,
    date: string,
    companyId: number,
  ): Promise<void> {
    const { sim } = this.stack;
    const before = sim.calls(date);
    const answers = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const startedAt = performance.now();
        try {
          const response = await fetch(
            scheduleUrl(replicas[i % replicas.length].url, date, companyId),
            {
              headers: { ...AUTH, 'accept-encoding': 'identity' },
              signal: AbortSignal.timeout(STORM_TIMEOUT_MS),
            },
          );
          const body = Buffer.from(await response.arrayBuffer());
          return { status: response.status, body, ms: performance.now() - startedAt };
        } catch (error) {
          log(`storm request failed: ${String(error)}`);
          return { status: 0, body: Buffer.alloc(0), ms: performance.now() - startedAt };
        }
      }),
    );
    // A late second upstream call (a replica that did not wait) would show up by now.
    await sleep(500);
    const calls = sim.calls(date) - before;
    const statuses = new Map<number, number>();
    for (const { status } of answers) {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const allOk = (statuses.get(200) ?? 0) === n;
    const allEqual = answers.every((a) => a.body.equals(answers[0].body));
    const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
    this.report.detail(
      `storm ${n} on ${date}: ${calls} upstream call(s); statuses ` +
        `${[...statuses].map(([s, c]) => `${s}×${c}`).join(', ')}; bodies equal: ${allEqual}; ` +
        `${answers[0].body.length} bytes; latency min ${fixed(ms[0], 0)} max ${fixed(ms[ms.length - 1], 0)} ms`,
    );
    if (calls !== 1 || !allOk) {
      for (const replica of replicas) {
        this.report.detail(
          `storm ${n}: log of ${replica.name} (last 64 KB): ${logSummary(replica.lines())}`,
        );
      }
    }
    this.report.rows.push({
      scenario: `5. miss storm, ${n} concurrent over 2 replicas`,
      reqPerS: null,
      p50Ms: percentile(ms, 50),
      p99Ms: percentile(ms, 99),
      baseline: `sim latency ${this.config.stormLatencyMs} ms`,
      ratio:
        `${calls} upstream call(s)` +
        (allOk ? '' : `, statuses ${[...statuses].map(([s, c]) => `${s}×${c}`).join(' ')}`) +
        (allEqual ? '' : ', bodies differ'),
      goal: '1 call, all 200, equal bodies',
      pass: calls === 1 && allOk && allEqual,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Scenarios 6 and 7: stale documents (CACHE_MAX_AGE=1), two replicas
  // -------------------------------------------------------------------------------------------

  async staleScenarios(companyId: number, date: string): Promise<void> {
    if (this.config.scenarios.has(6)) {
      await this.guard('6. stale-while-revalidate', () =>
        this.withStaleReplicas('stale', companyId, date, (services, urls) =>
          this.scenarioStaleWhileRevalidate(services[0], urls[0], companyId, date),
        ),
      );
    }
    if (this.config.scenarios.has(7)) {
      // Replicas of their own: scenario 6's refresh may still be waiting for the upstream.
      await this.guard('7. stale-if-error', () =>
        this.withStaleReplicas('stale-error', companyId, date, (services, urls) =>
          this.scenarioStaleIfError(services, urls, date),
        ),
      );
    }
  }

  /** Two replicas (one Redis prefix, one container) with `date` pre-generated and gone stale. */
  private async withStaleReplicas(
    group: string,
    companyId: number,
    date: string,
    run: (services: Service[], urls: string[]) => Promise<void>,
  ): Promise<void> {
    const started: Service[] = [];
    const { sim } = this.stack;
    try {
      const extra = {
        CACHE_MAX_AGE: String(STALE_MAX_AGE_S),
        // The refresh must outlive the stale-while-revalidate runs, not time out during them.
        UPSTREAM_TIMEOUT_MS: String(this.config.swrLatencyMs + 30_000),
      };
      for (const name of [`${group}-1`, `${group}-2`]) {
        started.push(await startService(this.env(group, extra), name));
      }
      await this.pregenerate(group, started[0], date);
      await run(
        started,
        started.map((s) => scheduleUrl(s.url, date, companyId)),
      );
    } finally {
      sim.setFault('none');
      sim.setLatency(0, 0);
      for (const child of started.reverse()) {
        await stopTracked(child);
      }
    }
  }

  /** POST /api/admin/pregen for one date; done once the date's manifest (written last) exists. */
  private async pregenerate(group: string, service: Service, date: string): Promise<void> {
    const response = await fetch(`${service.url}/api/admin/pregen`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ dates: [date] }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 202) {
      throw new Error(`POST /api/admin/pregen: HTTP ${response.status} ${await response.text()}`);
    }
    const manifest = this.container(group).getBlobClient(`manifests/${date}.json`);
    const deadline = Date.now() + 60_000;
    while (!(await manifest.exists())) {
      if (Date.now() > deadline) {
        throw new Error(`pre-generation of ${date} did not finish within 60 s`);
      }
      await sleep(100);
    }
    // Past CACHE_MAX_AGE: every stored document of the date is stale now.
    await sleep(STALE_MAX_AGE_S * 1000 + 500);
  }

  /** Stale answers against hits on the same document from a third replica, alternating. */
  private async scenarioStaleWhileRevalidate(
    service: Service,
    url: string,
    companyId: number,
    date: string,
  ): Promise<void> {
    // Default CACHE_MAX_AGE: the document pre-generated a moment ago is fresh there.
    const fresh = await startService(this.env('stale'), 'stale-fresh');
    try {
      await this.loadDocument(fresh, companyId, date);
      await this.staleWhileRevalidateRuns(service, url, fresh, companyId, date);
    } finally {
      await stopTracked(fresh);
    }
  }

  private async staleWhileRevalidateRuns(
    service: Service,
    url: string,
    fresh: Service,
    companyId: number,
    date: string,
  ): Promise<void> {
    const { sim } = this.stack;
    sim.setLatency(this.config.swrLatencyMs, this.config.swrLatencyMs);
    const probe = new CacheProbe([url]);
    const before = sim.calls(date);
    const started = Date.now();
    // No warm-ups: BENCH_SWR_LATENCY_MS's default keeps the one refresh in flight through these runs.
    const freshUrl = scheduleUrl(fresh.url, date, companyId);
    const [m, hot] = await this.alternating([
      (round) =>
        this.loadRun(`stale-while-revalidate (service), round ${round}`, service.pid, url, AUTH, 0),
      (round) =>
        this.loadRun(
          `hot hit, same document (fresh replica), round ${round}`,
          fresh.pid,
          freshUrl,
          AUTH,
          0,
        ),
    ]);
    const seconds = (Date.now() - started) / 1000;
    const calls = sim.calls(date) - before;
    const seen = await probe.stop();
    const stale = countWithXCache(seen, 'STALE');
    const answers = [...seen.values()].reduce((sum, n) => sum + n, 0);
    this.report.detail(
      `stale-while-revalidate: X-Cache seen by the probe: ${describeCounts(seen)}; ` +
        `${calls} upstream call(s) for ${date} during ${seconds.toFixed(0)} s ` +
        `(sim latency ${this.config.swrLatencyMs} ms: one refresh running through every run)`,
    );
    this.ratioRow(
      '6. stale-while-revalidate, throughput',
      m,
      hot,
      `hot hit, same document, median of ${ROUNDS}`,
      0.8,
    );
    this.row('6. stale-while-revalidate, refreshes', null, {
      baseline: `${m.result.requests} requests, STALE seen ${stale} of ${answers}×`,
      ratio: `${calls} upstream call(s)`,
      goal: 'every answer STALE, 1 call',
      pass: answers > 0 && stale === answers && calls === 1,
    });
  }

  private async scenarioStaleIfError(
    services: Service[],
    urls: string[],
    date: string,
  ): Promise<void> {
    const { sim } = this.stack;
    sim.setLatency(STALE_IF_ERROR_LATENCY_MS, STALE_IF_ERROR_LATENCY_MS);
    sim.setFault('http-500');
    // Whatever a refresh stored before the fault is stale again by now.
    await sleep(STALE_MAX_AGE_S * 1000 + 500);
    const before = sim.calls(date);
    const probe = new CacheProbe(urls);
    const connections = Math.max(1, Math.floor(this.config.connections / services.length));
    const runs = await Promise.all(
      services.map((service, i) =>
        measure(service.pid, {
          url: urls[i],
          connections,
          headers: AUTH,
          duration: this.config.durationS,
        }),
      ),
    );
    const seen = await probe.stop();
    const calls = sim.calls(date) - before;
    runs.forEach((m, i) => this.report.run(`stale-if-error (${services[i].name})`, m));
    const fiveXx = runs.reduce(
      (n, m) =>
        n + [...m.result.statuses].reduce((k, [code, count]) => k + (code >= 500 ? count : 0), 0),
      0,
    );
    const total = runs.reduce((n, m) => n + m.result.requests, 0);
    const others = runs.map((m) => runProblems(m, 200)).filter(Boolean);
    this.report.detail(
      `stale-if-error: upstream answering 500 to every call (${calls} failed call(s) for ${date} ` +
        `during the run); X-Cache seen by the probe: ${describeCounts(seen)}`,
    );
    this.report.rows.push({
      scenario: '7. stale-if-error, upstream failing, 2 replicas',
      reqPerS: runs.reduce((n, m) => n + m.result.reqPerS, 0),
      p50Ms: Math.max(...runs.map((m) => m.result.p50Ms)),
      p99Ms: Math.max(...runs.map((m) => m.result.p99Ms)),
      baseline: `${total} requests`,
      ratio: `${fiveXx} × 5xx${others.length > 0 ? ` (${others.join('; ')})` : ''}`,
      goal: '0 × 5xx',
      pass: fiveXx === 0 && others.length === 0,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Scenario 8: memory bound under eviction
  // -------------------------------------------------------------------------------------------

  async memoryScenario(template: Buffer): Promise<void> {
    if (!this.config.scenarios.has(8)) {
      return;
    }
    const { memoryDocs, memoryPasses } = this.config;
    const container = this.container('memory');
    await container.createIfNotExists();
    const keys = Array.from({ length: memoryDocs }, (_, i) => ({
      companyId: 1_000_000 + (i % 100),
      date: utcDate(200 + Math.floor(i / 100)),
    }));
    log(`memory: seeding ${memoryDocs} documents into Azurite`);
    const seedStarted = performance.now();
    const sizes = await mapLimit(keys, 32, async ({ companyId, date }) => {
      const body = distinctCopy(template, `${companyId}/${date}`);
      await seedDocument(container, companyId, date, body);
      return body.length;
    });
    const totalMb = sizes.reduce((n, s) => n + s, 0) / MIB;
    this.report.detail(
      `memory: seeded ${memoryDocs} documents, ${totalMb.toFixed(0)} MB, in ` +
        `${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    const cacheMb = this.config.memoryCacheMb ?? CACHE_MEMORY_MB_DEFAULT;
    // The same load with the cache off, passes included: what the process needs besides the cache.
    const reference = await this.memoryRun(keys, sizes, 0, memoryPasses);
    const run = await this.memoryRun(keys, sizes, this.config.memoryCacheMb, memoryPasses);
    const mb = (bytes: number): string => (bytes / MIB).toFixed(0);
    const limit = reference.maxRss + (cacheMb + MEMORY_SLACK_MB) * MIB;
    const overhead = run.maxRss - cacheMb * MIB;
    this.report.detail(
      `memory: fixed overhead measured: max RSS ${mb(run.maxRss)} MB − CACHE_MEMORY_MB ${cacheMb} = ` +
        `${mb(overhead)} MB (the cache-off reference peaked at ${mb(reference.maxRss)} MB; idle ` +
        `${mb(run.idleRss)} MB)`,
    );
    const wrong = run.wrong + reference.wrong;
    this.report.rows.push({
      scenario: `8. memory, ${memoryDocs} distinct documents × ${memoryPasses} passes`,
      reqPerS: run.reqPerS,
      p50Ms: run.p50Ms,
      p99Ms: run.p99Ms,
      baseline: `cache off: max RSS ${mb(reference.maxRss)} MB (idle ${mb(reference.idleRss)} MB)`,
      ratio:
        `max RSS ${mb(run.maxRss)} MB = ${cacheMb} MB + ${mb(overhead)} MB overhead` +
        (wrong > 0 ? `, ${wrong} wrong answers` : ''),
      goal: `≤ cache-off max + ${cacheMb} + ${MEMORY_SLACK_MB} MB (${mb(limit)} MB)`,
      pass: wrong === 0 && run.maxRss <= limit,
    });
  }

  /**
   * One service (CACHE_MEMORY_MB `cacheMb`; null: its default) over the memory container:
   * every document `passes` times, round-robin, RSS sampled every 100 ms.
   */
  private async memoryRun(
    keys: { companyId: number; date: string }[],
    sizes: number[],
    cacheMb: number | null,
    passes: number,
  ): Promise<{
    idleRss: number;
    maxRss: number;
    wrong: number;
    reqPerS: number;
    p50Ms: number | null;
    p99Ms: number | null;
  }> {
    const { memoryConcurrency } = this.config;
    const extra: Record<string, string> =
      cacheMb === null ? {} : { CACHE_MEMORY_MB: String(cacheMb) };
    const name = `memory-${cacheMb ?? 'default'}`;
    const service = await startService(this.env('memory', extra), name);
    try {
      await sleep(2_000);
      const idleRss = (await procStatusBytes(service.pid, 'VmRSS')) ?? 0;
      const sampler = new RssSampler(service.pid, 100);
      const order = Array.from({ length: keys.length * passes }, (_, i) => i % keys.length);
      const started = performance.now();
      const answers = await mapLimit(order, memoryConcurrency, async (index) => {
        const { companyId, date } = keys[index];
        const t0 = performance.now();
        const response = await fetch(scheduleUrl(service.url, date, companyId), {
          headers: { ...AUTH, 'accept-encoding': 'identity' },
          signal: AbortSignal.timeout(30_000),
        });
        const length = (await response.arrayBuffer()).byteLength;
        return {
          ok: response.status === 200 && length === sizes[index],
          ms: performance.now() - t0,
        };
      });
      const elapsedS = (performance.now() - started) / 1000;
      const during = sampler.stop();
      const atEnd = (await procStatusBytes(service.pid, 'VmRSS')) ?? 0;
      await sleep(3_000);
      const after = (await procStatusBytes(service.pid, 'VmRSS')) ?? 0;
      const maxRss = Math.max(during.maxBytes, atEnd);
      const wrong = answers.filter((a) => !a.ok).length;
      const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
      const mb = (bytes: number): string => (bytes / MIB).toFixed(0);
      this.report.detail(
        `memory, CACHE_MEMORY_MB ${cacheMb ?? `default (${CACHE_MEMORY_MB_DEFAULT})`}: ` +
          `${order.length} requests (${passes} round-robin pass(es), ${memoryConcurrency} at a time) ` +
          `in ${elapsedS.toFixed(1)} s; RSS idle ${mb(idleRss)} MB, max sampled ${mb(maxRss)} MB ` +
          `(${during.samples} samples), at the end ${mb(atEnd)} MB, 3 s later ${mb(after)} MB; ` +
          `${wrong} wrong answers`,
      );
      return {
        idleRss,
        maxRss,
        wrong,
        reqPerS: order.length / elapsedS,
        p50Ms: percentile(ms, 50),
        p99Ms: percentile(ms, 99),
      };
    } finally {
      await stopTracked(service);
    }
  }

  /** Runs one scenario; a failure becomes an error row and the others still run. */
  async guard(scenario: string, run: () => Promise<void>): Promise<void> {
    if (isExiting()) {
      return;
    }
    try {
      await run();
    } catch (error) {
      this.report.error(scenario, error);
    }
  }
}

/** Counts of a service's log messages (pino JSON lines), the most frequent first. */
function logSummary(lines: string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) {
    let msg = line;
    try {
      const parsed = JSON.parse(line) as { msg?: unknown };
      msg = typeof parsed.msg === 'string' ? parsed.msg : line;
    } catch {
      // not JSON: count the raw line
    }
    const key = msg.replace(/\d{4}-\d{2}-\d{2}/g, 'DATE').slice(0, 160);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return (
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([msg, count]) => `${count}× "${msg}"`)
      .join('; ') || '(nothing logged)'
  );
}

/** Stores a document straight into the container, with the metadata the service writes. */
async function seedDocument(
  container: ContainerClient,
  companyId: number,
  date: string,
  body: Buffer,
): Promise<void> {
  await container.getBlockBlobClient(`${companyId}/${date}/schedule.json`).uploadData(body, {
    blobHTTPHeaders: { blobContentType: 'application/json; charset=utf-8' },
    metadata: {
      sha256: createHash('sha256').update(body).digest('hex'),
      bytes: String(body.length),
      jobs: String(jobCount(body)),
      generatedat: new Date().toISOString(),
    },
  });
}

/** Polls until the document is served from the store (any X-Cache but MISS). */
async function waitForHit(url: string): Promise<RawAnswer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await rawGet(url, AUTH);
    if (answer.status === 200 && header(answer, 'x-cache') !== 'MISS') {
      return answer;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `no hit within 30 s: HTTP ${answer.status}, X-Cache ${header(answer, 'x-cache')}`,
      );
    }
    await sleep(100);
  }
}

/** The template with its envelope Message made unique: same size ± a few bytes, other bytes. */
function distinctCopy(template: Buffer, tag: string): Buffer {
  const text = template.toString('utf8');
  const at = text.lastIndexOf('"Message":"');
  if (at < 0) {
    throw new Error('the document has no "Message" to make it distinct');
  }
  const start = at + '"Message":"'.length;
  return Buffer.from(`${text.slice(0, start)}${tag} ${text.slice(start)}`, 'utf8');
}

function jobCount(body: Buffer): number {
  const parsed = JSON.parse(body.toString('utf8')) as { Result?: unknown };
  return Array.isArray(parsed.Result) ? parsed.Result.length : 0;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function summaryTable(rows: Row[]): string {
  const lines = [
    '| scenario | req/s | p50 ms | p99 ms | baseline | ratio / result | goal | pass |',
    '| --- | ---: | ---: | ---: | --- | --- | --- | --- |',
  ];
  // An error message may hold a '|', which would split the cell.
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  for (const row of rows) {
    lines.push(
      `| ${row.scenario} | ${row.reqPerS === null ? '—' : fixed(row.reqPerS, 0)} | ` +
        `${formatMs(row.p50Ms)} | ${formatMs(row.p99Ms)} | ${cell(row.baseline)} | ${cell(row.ratio)} | ${row.goal} | ` +
        `${row.pass === null ? 'n/a' : row.pass ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

/** Busy CPU of everything but the server and the load generator, in cores. */
function othersCores(m: Measured): number | null {
  return m.machineCores === null || m.serverCores === null
    ? null
    : Math.max(0, m.machineCores - m.serverCores - m.loadCores);
}

/** A warning when other processes took a large share of the CPU during the load runs. */
function contention(runs: Run[]): string[] {
  const others = runs
    .map((run) => othersCores(run.measured))
    .filter((c): c is number => c !== null);
  if (others.length === 0) {
    return [];
  }
  const mean = others.reduce((a, b) => a + b, 0) / others.length;
  return mean < 0.5
    ? []
    : [
        '',
        `**Contended run:** processes other than the server under load and the load generator ` +
          `used ${(mean * 100).toFixed(0)} % CPU on average during the load runs (of ` +
          `${cpus().length * 100} %): the throughput and latency ratios are unreliable; rerun on ` +
          'an idle machine. Server CPU per request is the least affected number.',
      ];
}

function runsTable(runs: Run[]): string {
  const pct = (value: number | null): string =>
    value === null ? 'n/a' : `${(value * 100).toFixed(0)} %`;
  const lines = [
    '| run | req/s | p50 ms | p99 ms | KB/response | server CPU µs/req | server CPU | load generator CPU | rest of the machine |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { label, measured: m } of runs) {
    const r = m.result;
    lines.push(
      `| ${label} | ${r.reqPerS.toFixed(0)} | ${formatMs(r.p50Ms)} | ${formatMs(r.p99Ms)} | ` +
        `${(r.bytes / Math.max(1, r.requests) / 1024).toFixed(1)} | ` +
        `${fixed(m.serverCpuUsPerRequest, 0)} | ${pct(m.serverCores)} | ${pct(m.loadCores)} | ` +
        `${pct(othersCores(m))} |`,
    );
  }
  return lines.join('\n');
}

function reportText(config: Config, report: Report, machine: string[]): string {
  return [
    '# HTTP benchmark (`npm run bench`)',
    '',
    ...machine,
    `- load: autocannon in the benchmark process, ${config.connections} connections, keep-alive; ` +
      `${config.warmupS} s warm-up then ${config.durationS} s measured per run; the fixed-rate ` +
      `runs are paced evenly over the same connections from one thread of their own, kept for all of them ` +
      `(bench/support/paced-load.ts)`,
    `- services: \`node ${imageNodeFlags().join(' ')}\` (the image's flags), LOG_LEVEL=${config.logLevel}, ` +
      `RATE_LIMIT_PER_MINUTE=${config.rateLimitPerMinute}` +
      (config.rateLimitPerMinute === 0 ? ' (rate limiting off)' : ''),
    '- Redis, Azurite (in memory), the services and the bare baselines run as their own ' +
      'processes; the simulated legacy API runs inside the benchmark process',
    '',
    summaryTable(report.rows),
    ...contention(report.runs),
    '',
    'Ratios are of req/s unless said otherwise. The load generator shares the 2 cores with the ' +
      'server: when it is near 100 % CPU the run is client-bound, and server CPU per request ' +
      '(below) separates the servers better than req/s. "Rest of the machine" is everything ' +
      'else (Azurite, Redis, kernel, other programs). autocannon records whole milliseconds; the ' +
      'paced runs record fractions, from the moment each request was due.',
    '',
    '## Runs',
    '',
    runsTable(report.runs),
    '',
    '## Details',
    '',
    ...report.details,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function readConfig(env: NodeJS.ProcessEnv, argv: string[]): Config {
  const num = (name: string, fallback: number, min: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      return fallback;
    }
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) {
      throw new Error(`${name} must be a number >= ${min}, got "${raw}"`);
    }
    return value;
  };
  const list = (name: string, fallback: readonly number[]): number[] => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      return [...fallback];
    }
    return raw.split(',').map((part) => {
      if (!/^\s*[1-9]\d*\s*$/.test(part)) {
        throw new Error(`${name} must be positive integers, comma-separated: "${part}"`);
      }
      return Number(part);
    });
  };
  const scenarios = list('BENCH_SCENARIOS', ALL_SCENARIOS);
  const unknown = scenarios.filter((n) => !ALL_SCENARIOS.includes(n as Scenario));
  if (unknown.length > 0) {
    throw new Error(`BENCH_SCENARIOS: no scenario ${unknown.join(', ')} (1-8)`);
  }
  for (const arg of argv) {
    if (arg !== '--write') {
      throw new Error(`unknown argument ${arg} (only --write)`);
    }
  }
  return {
    durationS: num('BENCH_DURATION_S', 5, 1),
    warmupS: num('BENCH_WARMUP_S', 1, 0),
    connections: Math.round(num('BENCH_CONNECTIONS', 50, 2)),
    scenarios: new Set(scenarios as Scenario[]),
    stormSizes: list('BENCH_STORM_SIZES', [1, 10, 100, 1000]),
    stormLatencyMs: num('BENCH_STORM_LATENCY_MS', 2000, 0),
    swrLatencyMs: num(
      'BENCH_SWR_LATENCY_MS',
      // Stale and hit runs alternate: 2 × ROUNDS runs.
      (2 * ROUNDS * (num('BENCH_DURATION_S', 5, 1) + 1) + SWR_LATENCY_MARGIN_S) * 1000,
      0,
    ),
    memoryDocs: Math.round(num('BENCH_MEMORY_DOCS', 5000, 1)),
    memoryPasses: Math.round(num('BENCH_MEMORY_PASSES', 2, 1)),
    memoryConcurrency: 16,
    memoryCacheMb: env.BENCH_MEMORY_CACHE_MB?.trim()
      ? Math.round(num('BENCH_MEMORY_CACHE_MB', CACHE_MEMORY_MB_DEFAULT, 1))
      : null,
    logLevel: env.BENCH_LOG_LEVEL?.trim() || 'warn',
    rateLimitPerMinute: Math.round(num('BENCH_RATE_LIMIT_PER_MINUTE', 0, 0)),
    requireGoals: env.BENCH_REQUIRE_GOALS === '1',
    write: argv.includes('--write'),
  };
}

async function main(): Promise<number> {
  const config = readConfig(process.env, process.argv.slice(2));
  for (const file of [SERVICE_MAIN, BARE_SERVER]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run npm run build && npm run build:tools`);
    }
  }
  setBudget(900 + 30 * (config.durationS + config.warmupS));
  const machine = machineLines();
  const report = new Report();

  log('starting Redis, Azurite and the upstream sim');
  const redis = await startRedis();
  const azurite = await startAzurite();
  const sim = await createUpstreamSim({
    companies: SIM_COMPANIES,
    latencyMs: { min: 0, max: 0 },
    seed: 1,
  });
  const bench = new Bench(
    config,
    {
      redisPort: redis.port,
      azuritePort: azurite.port,
      sim,
      blob: BlobServiceClient.fromConnectionString(azuriteConnectionString(azurite.port)),
    },
    report,
  );
  try {
    const pick = bench.simDocument();
    const hot = bench.hotDocument();
    log(`sim document: company ${pick.companyId}, ${pick.date}, ~${pick.simBytes} bytes`);
    await bench.guard('1-4. hot document', () => bench.hotScenarios(hot));
    await bench.stormScenario(pick.companyId);
    await bench.guard('6-7. stale documents', () =>
      bench.staleScenarios(pick.companyId, pick.date),
    );
    await bench.guard('8. memory', () => bench.memoryScenario(hot.body));
  } finally {
    await bench.close();
    await sim.close();
  }

  const text = reportText(config, report, machine);
  console.log(text);
  if (config.write) {
    const file = join(ROOT, 'bench', 'RESULTS.md');
    // Formatted like every other file of the repository, so `npm run lint` passes.
    const options = (await prettier.resolveConfig(file)) ?? {};
    writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
    log('written to bench/RESULTS.md');
  }
  const missed = report.rows.some((row) => row.pass === false);
  return report.errors > 0 || (config.requireGoals && missed) ? 1 : 0;
}

runBench(main);
