import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from './http';
import { freePort } from './services';
import {
  ADMIN_TOKEN,
  NO_RATE_LIMITS,
  OPEN_READ_WINDOW,
  TEST_JWT_SECRET,
  uniqueContainer,
} from './test-app';
import { waitFor } from './wait';

const ROOT = join(__dirname, '..', '..');

export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  /** SIGKILL if still running: for after-hooks of tests that may fail mid-way. */
  kill(): Promise<void>;
}

/** The suite's Redis and Azurite, a fresh container and queue prefix, and no cron. */
export function serviceEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    REDIS_URL: process.env.TEST_REDIS_URL ?? '',
    AZURE_STORAGE_CONNECTION_STRING: process.env.TEST_AZURE_STORAGE_CONNECTION_STRING ?? '',
    BLOB_CONTAINER: uniqueContainer(),
    REDIS_KEY_PREFIX: uniqueContainer(),
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    PREGEN_ENABLED: 'false',
    // Each test turns on what it tests: a warm-up reads blobs that tests count, retention deletes.
    WARMUP_TIMEOUT_MS: '0',
    RETENTION_DAYS: '0',
    // A worker that lost Redis fetches again at once, not after Bull's 5 s.
    PREGEN_FETCH_RETRY_MS: '200',
    ...NO_RATE_LIMITS,
    ...OPEN_READ_WINDOW,
    ...overrides,
  };
}

/** The built service (`node dist/main.js`) as its own process, as Kubernetes runs it. */
export async function startServiceProcess(
  env: Record<string, string>,
  cwd = ROOT,
  nodeFlags: string[] = [],
): Promise<ServiceProcess> {
  const port = await freePort();
  // Node 24 from this checkout: an image-like directory has no dev dependencies.
  const child = spawn(
    join(ROOT, 'node_modules', 'node', 'bin', 'node'),
    [...nodeFlags, 'dist/main.js'],
    {
      cwd,
      env: { PATH: process.env.PATH, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`the service on port ${port}: ${output}`, async () => {
    if (child.exitCode !== null) {
      throw new Error(`service exited with ${child.exitCode}: ${output}`);
    }
    try {
      return (await request(`${url}/health/live`)).status === 200;
    } catch {
      return false;
    }
  });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { url, child, exited, output: () => output, kill };
}
