/**
 * Child processes of a benchmark: everything started is registered, so it is stopped on every
 * way out (normal end, error, Ctrl-C, budget exceeded, even `process.exit`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { runtimeNodeFlags } from '../../test/support/dockerfile';
import { canConnect, freePort } from '../../test/support/services';
import { fetchOk, request } from './http';

export const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_TAIL_BYTES = 64 * 1024;

/** The package root: the first ancestor of this file with node_modules/.bin/azurite-blob. */
function findRoot(): string {
  for (let dir = __dirname; ; dir = join(dir, '..')) {
    if (existsSync(join(dir, 'node_modules', '.bin', 'azurite-blob'))) {
      return dir;
    }
    if (join(dir, '..') === dir) {
      throw new Error(`no node_modules/.bin/azurite-blob above ${__dirname}: run npm install`);
    }
  }
}

export const ROOT = findRoot();
export const SERVICE_MAIN = join(ROOT, 'dist', 'main.js');

export interface Stoppable {
  readonly name: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const running = new Set<Stoppable>();
/** Set once the benchmark is on its way out: nothing new is started. */
let exiting = false;

export function isExiting(): boolean {
  return exiting;
}

export function track<T extends Stoppable>(service: T): T {
  running.add(service);
  return service;
}

export async function stopTracked(service: Stoppable): Promise<void> {
  try {
    await service.stop();
  } catch (error) {
    log(`${service.name}: stop failed: ${String(error)}`);
  } finally {
    running.delete(service);
  }
}

/** Stops everything still running, newest first. */
export async function stopAll(): Promise<void> {
  for (const service of [...running].reverse()) {
    await stopTracked(service);
  }
}

/** Last resort on process exit: nothing we started may outlive us. */
function killAllNow(): void {
  for (const { pid } of running) {
    // pid 0 (a failed spawn) would mean "the whole process group".
    if (pid <= 0) {
      continue;
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A child process whose output is kept (its tail) for error reports. */
export class Child implements Stoppable {
  private output = '';
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('error', (error) => keep(Buffer.from(`\n[spawn error] ${error.message}\n`)));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get exitDescription(): string {
    return `exit code ${String(this.child.exitCode)}, signal ${String(this.child.signalCode)}`;
  }

  get outputTail(): string {
    return this.output;
  }

  /** Output lines (non-empty) so far. */
  lines(): string[] {
    return this.output.split('\n').filter((line) => line.trim() !== '');
  }

  async stop(): Promise<void> {
    if (!this.alive) {
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Refuses to start anything once the benchmark is stopping (Ctrl-C, budget, error). */
function spawnTracked(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Child {
  if (exiting) {
    throw new Error(`stopping: ${name} not started`);
  }
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return track(new Child(name, child));
}

/** A script run by process.execPath: the Node 24 running this benchmark (the devDependency). */
export function spawnNode(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Child {
  return spawnTracked(name, process.execPath, [script, ...args], env);
}

/**
 * Debian's redis-server, no persistence. Not test/support's startRedis: that one registers the
 * child only once it listens, and a Ctrl-C in between would leave it running.
 */
export async function startRedis(): Promise<Child & { port: number }> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: run scripts/test.sh, which installs it');
  }
  const port = await freePort();
  const redis = Object.assign(
    spawnTracked('redis', 'redis-server', [
      '--port',
      String(port),
      '--bind',
      HOST,
      '--save',
      '',
      '--appendonly',
      'no',
    ]),
    { port },
  );
  await waitFor('redis', redis, () => canConnect(port));
  return redis;
}

/** Azurite (blob only, in memory). test/support's startAzurite finds its binary relative to
 *  its own source folder, which is wrong once compiled into dist-tools/. */
export async function startAzurite(): Promise<Child & { port: number }> {
  const port = await freePort();
  const azurite = Object.assign(
    spawnTracked(
      'azurite',
      join(ROOT, 'node_modules', '.bin', 'azurite-blob'),
      [
        '--blobHost',
        HOST,
        '--blobPort',
        String(port),
        '--inMemoryPersistence',
        '--skipApiVersionCheck',
        '--loose',
        '--disableTelemetry',
        '--silent',
      ],
      // Its shebang resolves `node` on PATH: put Node 24 (the devDependency) first.
      { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
    ),
    { port },
  );
  await waitFor(
    'azurite',
    azurite,
    // Any HTTP answer will do (an unsigned request gets 403): it is listening.
    async () =>
      (await request(`http://${HOST}:${port}/devstoreaccount1?comp=list`, {}, 2_000)).status > 0,
  );
  return azurite;
}

/** The production image's node flags (its Dockerfile's CMD), so benchmarks run what ships. */
export function imageNodeFlags(): string[] {
  return runtimeNodeFlags(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
}

/** The built service (`dist/main.js`) with the image's node flags, ready once `/health/ready` answers 2xx. */
export async function startService(
  env: Record<string, string>,
  name = 'service',
): Promise<Child & { url: string }> {
  const port = await freePort();
  const service = spawnTracked(name, process.execPath, [...imageNodeFlags(), SERVICE_MAIN], {
    ...process.env,
    ...env,
    PORT: String(port),
  });
  const url = `http://${HOST}:${port}`;
  await waitFor(name, service, async () => (await fetchOk(`${url}/health/ready`)) !== null);
  return Object.assign(service, { url });
}

export async function waitFor(
  name: string,
  child: Child,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (!child.alive) {
      throw new Error(
        `${name} exited while starting (${child.exitDescription}):\n${child.outputTail}`,
      );
    }
    if (await ready().catch(() => false)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${name} not ready after ${START_TIMEOUT_MS} ms:\n${child.outputTail}`);
    }
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function log(message: string): void {
  const name = basename(process.argv[1] ?? 'bench', '.js');
  process.stderr.write(`[bench:${name} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function exitAfterCleanup(code: number, reason: string): void {
  if (exiting) {
    return;
  }
  exiting = true;
  log(`${reason}: stopping everything started`);
  // Bounded: each stop escalates to SIGKILL; this is the backstop for all of them.
  setTimeout(() => {
    killAllNow();
    process.exit(code);
  }, STOP_TIMEOUT_MS * 2).unref();
  void stopAll().finally(() => process.exit(code));
}

/** Gives up (stopping everything) once the whole run has taken longer than `seconds`. */
export function setBudget(seconds: number): void {
  setTimeout(
    () => exitAfterCleanup(1, `benchmark exceeded its ${seconds} s budget`),
    seconds * 1000,
  ).unref();
}

/**
 * Runs a benchmark's main: exits with its code once everything started is stopped; Ctrl-C (or
 * SIGTERM) stops everything, a second one kills at once.
 */
export function runBench(main: () => Promise<number>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (exiting) {
        killAllNow();
        process.exit(130);
      }
      exitAfterCleanup(130, signal);
    });
  }
  process.on('exit', killAllNow);
  main().then(
    async (code) => {
      await stopAll();
      process.exit(code);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      exitAfterCleanup(1, 'error');
    },
  );
}
