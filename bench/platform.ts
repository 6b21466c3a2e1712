/**
 * One-off HTTP platform benchmark: how fast can each candidate platform push one
 * pre-serialized ~100 KB JSON document (a Buffer) per request?
 *
 * Run: `npm run bench:platform` (env BENCH_DURATION_S, default 10 seconds per server).
 *
 * The parent process is the load generator (autocannon). Every server runs in its own child
 * process (`fork` of this same file with `server <kind>`), so the two never share an event loop.
 * Servers are measured one at a time.
 */
import 'reflect-metadata';

import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';

import {
  Controller,
  Get,
  Inject,
  Module,
  Res,
  type DynamicModule,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type autocannon from 'autocannon';
import type { FastifyReply } from 'fastify';

import { load } from './support/load';

const SERVER_KINDS = ['bare', 'nest-fastify', 'nest-express', 'nest-express-send'] as const;
type ServerKind = (typeof SERVER_KINDS)[number];

const CONTENT_TYPE = 'application/json; charset=utf-8';
const TARGET_DOC_BYTES = 100 * 1024;
const CONNECTIONS = 50;
const WARMUP_S = 2;
const DEFAULT_DURATION_S = 10;
const HOST = '127.0.0.1';
const PATH = '/doc';

const CHILD_READY_TIMEOUT_MS = 30_000;
const CHILD_STOP_TIMEOUT_MS = 5_000;
const VERIFY_TIMEOUT_MS = 5_000;
/** Per-server slack on top of warm-up + measured time (start, verify, stop, wind-down). */
const PER_SERVER_SLACK_S = 60;

// ---------------------------------------------------------------------------------------------
// Payload: deterministic (seeded) so parent and every child build byte-identical documents.
// ---------------------------------------------------------------------------------------------

interface Job {
  id: string;
  companyId: string;
  scheduleId: string;
  title: string;
  status: 'scheduled' | 'in_progress' | 'completed' | 'cancelled';
  priority: number;
  start: string;
  end: string;
  assignee: { id: string; name: string; role: string };
  site: { name: string; address: string; lat: number; lng: number };
  tags: string[];
  notes: string | null;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildDocument(): { body: Buffer; jobCount: number } {
  const rand = mulberry32(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const statuses = ['scheduled', 'in_progress', 'completed', 'cancelled'] as const;
  const firstNames = ['Anna', 'Bjorn', 'Carla', 'Dmitri', 'Eva', 'Farid', 'Greta', 'Hugo'];
  const lastNames = ['Andersen', 'Berg', 'Costa', 'Dahl', 'Eriksen', 'Fischer', 'Garcia'];
  const roles = ['technician', 'driver', 'supervisor', 'cleaner'];
  const streets = ['Harbour Road', 'Mill Lane', 'Station Street', 'Kings Avenue', 'Elm Close'];
  const tagPool = ['urgent', 'recurring', 'outdoor', 'key-required', 'vip', 'inspection'];
  const verbs = ['Inspect', 'Service', 'Deliver to', 'Clean', 'Repair at', 'Install at'];
  const baseMs = Date.UTC(2025, 0, 6, 6, 0, 0);

  const companyId = 'company-00042';
  const jobs: Job[] = [];
  // Length of `{"companyId":...,"generatedAt":...,"jobs":[` + `]}` plus one comma per extra job.
  const envelope = JSON.stringify({
    companyId,
    generatedAt: new Date(baseMs).toISOString(),
    jobs: [],
  });
  let size = envelope.length;
  while (size < TARGET_DOC_BYTES) {
    const n = jobs.length;
    const startMs = baseMs + Math.floor(rand() * 14 * 24) * 3_600_000;
    const street = pick(streets);
    const job: Job = {
      id: `job-${String(n).padStart(6, '0')}`,
      companyId,
      scheduleId: `schedule-${String(Math.floor(n / 25)).padStart(4, '0')}`,
      title: `${pick(verbs)} ${street} ${1 + Math.floor(rand() * 200)}`,
      status: pick(statuses),
      priority: 1 + Math.floor(rand() * 5),
      start: new Date(startMs).toISOString(),
      end: new Date(startMs + (1 + Math.floor(rand() * 8)) * 1_800_000).toISOString(),
      assignee: {
        id: `emp-${String(Math.floor(rand() * 500)).padStart(4, '0')}`,
        name: `${pick(firstNames)} ${pick(lastNames)}`,
        role: pick(roles),
      },
      site: {
        name: `${street} site`,
        address: `${1 + Math.floor(rand() * 200)} ${street}, ${1000 + Math.floor(rand() * 800)} Oslo`,
        lat: Math.round((59.85 + rand() * 0.1) * 1e6) / 1e6,
        lng: Math.round((10.65 + rand() * 0.2) * 1e6) / 1e6,
      },
      tags: tagPool.filter(() => rand() < 0.3),
      notes: rand() < 0.5 ? null : 'Call the site contact 30 minutes before arrival.',
    };
    jobs.push(job);
    size += JSON.stringify(job).length + (n > 0 ? 1 : 0);
  }
  const body = Buffer.from(
    JSON.stringify({ companyId, generatedAt: new Date(baseMs).toISOString(), jobs }),
    'utf8',
  );
  return { body, jobCount: jobs.length };
}

// ---------------------------------------------------------------------------------------------
// Child side: the servers.
// ---------------------------------------------------------------------------------------------

/** Cumulative resource counters of a server process (sampled around the measured window). */
interface Usage {
  /** process.cpuUsage() user + system, microseconds (all threads, so GC helpers count too). */
  cpuUs: number;
  /** performance.eventLoopUtilization() idle/active, milliseconds. */
  idleMs: number;
  activeMs: number;
}

type ChildMessage =
  | { type: 'listening'; port: number }
  | { type: 'error'; message: string }
  | ({ type: 'usage' } & Usage);

/** Parent -> child: "reply with a `usage` message". */
const USAGE_REQUEST = 'usage-request';

function isChildMessage(value: unknown): value is ChildMessage {
  if (typeof value !== 'object' || value === null || !('type' in value)) {
    return false;
  }
  switch (value.type) {
    case 'listening':
      return 'port' in value && typeof value.port === 'number';
    case 'error':
      return 'message' in value && typeof value.message === 'string';
    case 'usage':
      return (
        'cpuUs' in value &&
        typeof value.cpuUs === 'number' &&
        'idleMs' in value &&
        typeof value.idleMs === 'number' &&
        'activeMs' in value &&
        typeof value.activeMs === 'number'
      );
    default:
      return false;
  }
}

function currentUsage(): Usage {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  return { cpuUs: cpu.user + cpu.system, idleMs: elu.idle, activeMs: elu.active };
}

const DOC = Symbol('DOC');

/** The slice of Express's Response used here (@types/express is not installed). */
interface ExpressResponse {
  set(field: string, value: string): this;
  end(chunk: Buffer): this;
  send(body: Buffer): this;
}

/** The slice of the Express application used here. */
interface ExpressApp {
  set(setting: string, value: unknown): this;
}

@Controller()
class FastifyDocController {
  constructor(@Inject(DOC) private readonly doc: Buffer) {}

  @Get(PATH)
  getDoc(@Res() reply: FastifyReply): void {
    // FastifyReply is thenable; `send` has already queued the response.
    void reply.header('content-type', CONTENT_TYPE).send(this.doc);
  }
}

@Controller()
class ExpressEndDocController {
  constructor(@Inject(DOC) private readonly doc: Buffer) {}

  @Get(PATH)
  getDoc(@Res() res: ExpressResponse): void {
    res.set('content-type', CONTENT_TYPE);
    res.set('content-length', String(this.doc.length));
    res.end(this.doc);
  }
}

@Controller()
class ExpressSendDocController {
  constructor(@Inject(DOC) private readonly doc: Buffer) {}

  @Get(PATH)
  getDoc(@Res() res: ExpressResponse): void {
    // Naive variant: res.send() computes a (weak, SHA-1 based) ETag of the body on every request.
    res.set('content-type', CONTENT_TYPE);
    res.send(this.doc);
  }
}

@Module({})
class BenchModule {
  static register(controller: Type<unknown>, doc: Buffer): DynamicModule {
    return {
      module: BenchModule,
      controllers: [controller],
      providers: [{ provide: DOC, useValue: doc }],
    };
  }
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`unexpected server address: ${String(address)}`);
  }
  return (address satisfies AddressInfo).port;
}

async function startBare(doc: Buffer): Promise<number> {
  const headers = { 'content-type': CONTENT_TYPE, 'content-length': String(doc.length) };
  const server = createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(doc);
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  return portOf(server);
}

async function startNest(kind: Exclude<ServerKind, 'bare'>, doc: Buffer): Promise<number> {
  let app: INestApplication<Server>;
  switch (kind) {
    case 'nest-fastify':
      app = await NestFactory.create<INestApplication<Server>>(
        BenchModule.register(FastifyDocController, doc),
        new FastifyAdapter(),
        { logger: false },
      );
      break;
    case 'nest-express':
      app = await NestFactory.create<INestApplication<Server>>(
        BenchModule.register(ExpressEndDocController, doc),
        new ExpressAdapter(),
        { logger: false },
      );
      (app.getHttpAdapter().getInstance() as ExpressApp).set('etag', false);
      break;
    case 'nest-express-send':
      // Express defaults kept (etag: 'weak').
      app = await NestFactory.create<INestApplication<Server>>(
        BenchModule.register(ExpressSendDocController, doc),
        new ExpressAdapter(),
        { logger: false },
      );
      break;
  }
  await app.listen(0, HOST);
  return portOf(app.getHttpServer());
}

async function runChild(kindArg: string | undefined): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) {
    throw new Error('server mode must be started by the benchmark parent (needs an IPC channel)');
  }
  // Never outlive the parent: the IPC channel closes when it exits (even on SIGKILL).
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: unknown) => {
    if (msg === USAGE_REQUEST) {
      send({ type: 'usage', ...currentUsage() } satisfies ChildMessage);
    }
  });
  try {
    const kind = SERVER_KINDS.find((k) => k === kindArg);
    if (kind === undefined) {
      throw new Error(`unknown server kind: ${String(kindArg)}`);
    }
    const { body } = buildDocument();
    const port = kind === 'bare' ? await startBare(body) : await startNest(kind, body);
    send({ type: 'listening', port } satisfies ChildMessage);
  } catch (err) {
    send({ type: 'error', message: String(err) } satisfies ChildMessage, () => process.exit(1));
  }
}

// ---------------------------------------------------------------------------------------------
// Parent side: process management, load generation, report.
// ---------------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();

function killAllChildren(): void {
  for (const child of children) {
    child.kill('SIGKILL');
  }
}

function startServer(kind: ServerKind): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, ['server', kind], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));

  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const fail = (err: Error): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(err);
    };
    const onMessage = (msg: unknown): void => {
      if (!isChildMessage(msg)) {
        return;
      }
      if (msg.type === 'listening') {
        cleanup();
        resolve({ child, port: msg.port });
      } else if (msg.type === 'error') {
        fail(new Error(`${kind} server failed to start: ${msg.message}`));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(new Error(`${kind} server exited before listening (code ${code}, signal ${signal})`));
    const onError = (err: Error): void => fail(err);
    const timer = setTimeout(
      () => fail(new Error(`${kind} server not listening after ${CHILD_READY_TIMEOUT_MS} ms`)),
      CHILD_READY_TIMEOUT_MS,
    );
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** One request before loading: the server must return exactly our document and headers. */
async function verifyServer(kind: ServerKind, url: string, expected: Buffer): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS) });
  const body = Buffer.from(await response.arrayBuffer());
  const contentType = response.headers.get('content-type');
  const contentLength = response.headers.get('content-length');
  const problems: string[] = [];
  if (response.status !== 200) {
    problems.push(`status ${response.status}`);
  }
  if (contentType !== CONTENT_TYPE) {
    problems.push(`content-type ${String(contentType)}`);
  }
  if (contentLength !== String(expected.length)) {
    problems.push(`content-length ${String(contentLength)}`);
  }
  if (!body.equals(expected)) {
    problems.push(`body differs (${body.length} bytes)`);
  }
  if (problems.length > 0) {
    throw new Error(`${kind} served a wrong response: ${problems.join(', ')}`);
  }
  const etag = response.headers.get('etag');
  return `${kind}: 200, ${contentType}, content-length ${contentLength}, etag ${etag ?? 'none'}`;
}

function requestUsage(child: ChildProcess): Promise<Usage> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: unknown): void => {
      if (isChildMessage(msg) && msg.type === 'usage') {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve({ cpuUs: msg.cpuUs, idleMs: msg.idleMs, activeMs: msg.activeMs });
      }
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error('server did not report its resource usage'));
    }, VERIFY_TIMEOUT_MS);
    child.on('message', onMessage);
    child.send(USAGE_REQUEST);
  });
}

function parseDurationS(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') {
    return DEFAULT_DURATION_S;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`BENCH_DURATION_S must be a positive number of seconds, got "${raw}"`);
  }
  return value;
}

interface Row {
  kind: ServerKind;
  result: autocannon.Result;
  /** CPU time / wall time over the measured window (1.0 = one full core). */
  serverCpu: number;
  /** Event-loop utilization of the server over the measured window (0..1). */
  serverElu: number;
  /** Same for the load generator (this process). */
  loadCpu: number;
  /** Server CPU time per completed request, microseconds. */
  serverCpuUsPerRequest: number;
  /**
   * Busy CPU of the whole machine minus server and load generator, in cores: other processes plus
   * kernel work charged to nobody (e.g. loopback softirq). High values mean a contaminated run.
   */
  otherCpu: number | null;
}

/**
 * Busy CPU time of the whole machine so far, microseconds, from the aggregate line of /proc/stat
 * (Linux; USER_HZ = 100). Busy = everything but idle, iowait and steal. os.cpus() is not used
 * because it omits softirq, where much of the loopback networking cost lands. null elsewhere.
 */
function machineBusyUs(): number | null {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  } catch {
    return null;
  }
  const ticks = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
  if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) {
    return null;
  }
  const [user, nice, system, , , irq, softirq] = ticks;
  return (user + nice + system + irq + softirq) * 10_000;
}

function formatTable(rows: Row[]): string {
  const bare = rows.find((r) => r.kind === 'bare')?.result.requests.mean;
  const lines = [
    '| platform | req/s (mean) | p50 ms | p99 ms | throughput MB/s | ratio to bare (req/s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { kind, result } of rows) {
    const ratio = bare ? (result.requests.mean / bare).toFixed(2) : 'n/a';
    lines.push(
      `| ${kind} | ${result.requests.mean.toFixed(0)} | ${result.latency.p50.toFixed(0)} | ` +
        `${result.latency.p99.toFixed(0)} | ${(result.throughput.mean / 1e6).toFixed(1)} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

function formatUsageTable(rows: Row[]): string {
  const pct = (fraction: number): string => `${(fraction * 100).toFixed(0)} %`;
  const lines = [
    '| platform | server CPU µs/req | server CPU (1 core = 100 %) | server event-loop utilization ' +
      `| load generator CPU | rest of machine (of ${os.cpus().length * 100} %) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.kind} | ${r.serverCpuUsPerRequest.toFixed(0)} | ${pct(r.serverCpu)} | ` +
        `${pct(r.serverElu)} | ${pct(r.loadCpu)} | ${r.otherCpu === null ? 'n/a' : pct(r.otherCpu)} |`,
    );
  }
  return lines.join('\n');
}

async function runParent(): Promise<void> {
  const durationS = parseDurationS(process.env.BENCH_DURATION_S);
  const budgetS = SERVER_KINDS.length * (WARMUP_S + durationS + PER_SERVER_SLACK_S);
  // Hard upper bound on the whole run; unref'd so it never keeps a finished run alive.
  setTimeout(() => {
    console.error(`benchmark exceeded its ${budgetS} s budget; killing servers`);
    killAllChildren();
    process.exit(2);
  }, budgetS * 1000).unref();

  const { body, jobCount } = buildDocument();
  const cpus = os.cpus();
  const header = [
    '## HTTP platform benchmark: one pre-serialized JSON Buffer per request',
    '',
    `- date: ${new Date().toISOString()}`,
    `- node: ${process.version} (${process.platform}/${process.arch})`,
    `- cpu: ${cpus[0]?.model ?? 'unknown'} (${cpus.length} logical cores)`,
    `- payload: ${body.length} bytes of JSON (${jobCount} job objects), serialized once`,
    `- load: autocannon, ${CONNECTIONS} connections, keep-alive, no pipelining; ` +
      `${WARMUP_S} s warm-up then ${durationS} s measured per server`,
    '- each server alone in its own child process; servers measured one at a time',
    `- 1-min load average at start: ${os.loadavg()[0].toFixed(2)} ` +
      '(anything else busy on the machine skews the numbers)',
  ];
  console.log(header.join('\n'));

  const rows: Row[] = [];
  const verified: string[] = [];
  for (const kind of SERVER_KINDS) {
    process.stderr.write(`[bench] ${kind}: starting\n`);
    const { child, port } = await startServer(kind);
    try {
      const url = `http://${HOST}:${port}${PATH}`;
      verified.push(await verifyServer(kind, url, body));
      process.stderr.write(`[bench] ${kind}: warm-up ${WARMUP_S} s\n`);
      await load({ url, connections: CONNECTIONS, duration: WARMUP_S });
      process.stderr.write(`[bench] ${kind}: measuring ${durationS} s\n`);
      const serverBefore = await requestUsage(child);
      const loadCpuBefore = process.cpuUsage();
      const machineBefore = machineBusyUs();
      const wallBefore = performance.now();
      const result = await load({ url, connections: CONNECTIONS, duration: durationS });
      const wallUs = (performance.now() - wallBefore) * 1000;
      const loadCpu = process.cpuUsage(loadCpuBefore);
      const machineAfter = machineBusyUs();
      const serverAfter = await requestUsage(child);
      const activeMs = serverAfter.activeMs - serverBefore.activeMs;
      const idleMs = serverAfter.idleMs - serverBefore.idleMs;
      const serverCpuUs = serverAfter.cpuUs - serverBefore.cpuUs;
      rows.push({
        kind,
        result,
        serverCpu: serverCpuUs / wallUs,
        serverElu: activeMs / (activeMs + idleMs),
        loadCpu: (loadCpu.user + loadCpu.system) / wallUs,
        otherCpu:
          machineBefore === null || machineAfter === null
            ? null
            : (machineAfter - machineBefore - serverCpuUs - loadCpu.user - loadCpu.system) / wallUs,
        serverCpuUsPerRequest: serverCpuUs / Math.max(1, result.requests.total),
      });
    } finally {
      await stopServer(child);
    }
  }

  console.log('');
  console.log(formatTable(rows));
  console.log('');
  console.log(
    'Resource use during the measured window. If the load generator sits near 100 % while the ' +
      'server does not, the run is client-bound and req/s understates the server; ' +
      'compare server CPU µs/req instead.',
  );
  console.log('');
  console.log(formatUsageTable(rows));
  console.log('');
  console.log('Notes: MB = 10^6 bytes (response bytes incl. headers, as counted by autocannon).');
  console.log('Latency percentiles come from autocannon (whole-millisecond resolution).');
  console.log('');
  console.log('Pre-flight check (one request each):');
  for (const line of verified) {
    console.log(`- ${line}`);
  }
  const anomalies = rows.filter(
    ({ result: r }) => r.errors + r.timeouts + r.non2xx + r.mismatches + r.resets > 0,
  );
  console.log('');
  if (anomalies.length === 0) {
    console.log('No errors, timeouts, resets or non-2xx responses in any measured run.');
  }
  for (const { kind, result: r } of anomalies) {
    console.log(
      `WARNING ${kind}: errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}, ` +
        `resets ${r.resets}, mismatches ${r.mismatches}`,
    );
  }
}

process.on('exit', killAllChildren);

if (process.argv[2] === 'server') {
  void runChild(process.argv[3]);
} else {
  runParent().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      killAllChildren();
      process.exit(1);
    },
  );
}
