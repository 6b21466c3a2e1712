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
