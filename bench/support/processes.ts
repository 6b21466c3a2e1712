/**
 * Child processes of a benchmark: everything started is registered, so it is stopped on every
 * way out (normal end, error, Ctrl-C, budget exceeded, even `process.exit`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_TAIL_BYTES = 64 * 1024;

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

/** Registers what `starting` starts, to be stopped when `withStarted`'s `use` returns. */
export type Start = <C extends Stoppable>(starting: Promise<C>) => Promise<C>;

/**
 * Runs `use` with what it starts through `start`, then stops all of that, newest first, even when
 * `use` fails.
 */
export async function withStarted<T>(use: (start: Start) => Promise<T>): Promise<T> {
  const started: Stoppable[] = [];
  try {
    return await use(async (starting) => {
      const child = await starting;
      started.push(child);
      return child;
    });
  } finally {
    for (const child of started.reverse()) {
      await stopTracked(child);
    }
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
export function spawnTracked(
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
// The image's runtime: services are spawned with this process's Node, which must be production's.
const NODE_MAJOR = 24;

export function runBench(main: () => Promise<number>): void {
  if (Number(process.versions.node.split('.')[0]) !== NODE_MAJOR) {
    console.error(
      `Node ${process.versions.node}: run the benchmarks through npm (Node ${NODE_MAJOR})`,
    );
    process.exit(1);
  }
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
