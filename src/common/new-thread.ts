import { getPriority, setPriority } from 'node:os';
import { extname } from 'node:path';
import { Worker, WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running `entry`. Under ts-jest the sources are .ts files, which a new thread
 * can load only through tsx (a devDependency); built code is .js and needs nothing.
 */
export function newThread(entry: string, options: Omit<WorkerOptions, 'execArgv'> = {}): Worker {
  const execArgv = extname(entry) === '.ts' ? ['--require', 'tsx/cjs'] : [];
  return new Worker(entry, { ...options, execArgv });
}

const BACKGROUND_NICE = 10;

/**
 * Called first thing in a worker thread: its work yields the cores to the main thread's requests.
 * On Linux a nice value is per thread, so this leaves the main thread's priority as it is.
 */
export function yieldToMainThread(): void {
  try {
    setPriority(0, Math.min(19, getPriority(0) + BACKGROUND_NICE));
  } catch {
    // A platform without per-thread priorities: the thread runs at the process's.
  }
}
