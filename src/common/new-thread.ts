import { getPriority, setPriority } from 'node:os';
import { extname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker, WorkerOptions } from 'node:worker_threads';

/** A thread's young generation unless the caller sets `resourceLimits`: it serves no request. */
export const THREAD_YOUNG_GENERATION_MB = 12;

/**
 * A worker thread running `entry`. Under ts-jest the sources are .ts files, which a new thread
 * can load only through tsx (a devDependency); built code is .js and needs nothing.
 */
export function newThread(entry: string, options: Omit<WorkerOptions, 'execArgv'> = {}): Worker {
  // V8 flags are process-wide: the image's semi-space flags, meant for the main thread, would
  // override every thread's resourceLimits. Isolates read them only when created.
  setFlagsFromString('--min-semi-space-size=0');
  setFlagsFromString('--max-semi-space-size=0');
  const execArgv = extname(entry) === '.ts' ? ['--require', 'tsx/cjs'] : [];
  return new Worker(entry, {
    resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    ...options,
    execArgv,
  });
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
