import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from './http';

const ROOT = join(__dirname, '..', '..');
const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningService {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function azuriteConnectionString(port: number): string {
  return (
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    `AccountKey=${AZURITE_KEY};BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`
  );
}

/** An empty Redis without persistence; on `port` to stand in for one that was stopped. */
export async function startRedis(port?: number): Promise<RunningService> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: run scripts/test.sh, which installs it');
  }
  port ??= await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  return waitUntilListening(child, port, 'redis-server');
}

/** Azurite has no supported programmatic API: run its CLI, in memory, and wait for the port. */
export async function startAzurite(port?: number): Promise<RunningService> {
  const blobPort = port ?? (await freePort());
  const child = spawn(
    join(ROOT, 'node_modules', '.bin', 'azurite-blob'),
    [
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(blobPort),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--loose',
      '--disableTelemetry',
      '--silent',
    ],
    // Its shebang resolves `node` on PATH: put Node 24 (the devDependency) first.
    {
      stdio: 'ignore',
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
    },
  );
  return waitUntilListening(child, blobPort, 'azurite-blob');
}

async function waitUntilListening(
  child: ChildProcess,
  port: number,
  name: string,
): Promise<RunningService> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start listening on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    pid: child.pid ?? 0,
    stop: () => stopChild(child),
  };
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface RunningPrometheus extends RunningService {
  readonly url: string;
}

/**
 * Debian's Prometheus (scripts/ensure-deps.sh installs it) with `configYaml` as its configuration,
 * its TSDB in a temporary directory that stop() deletes; resolves once `/-/ready` answers 200.
 */
export async function startPrometheus(configYaml: string): Promise<RunningPrometheus> {
  if (spawnSync('/usr/bin/prometheus', ['--version']).error) {
    throw new Error('prometheus is not installed: run scripts/test.sh, which installs it');
  }
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  while (!(await isReady(`${url}/-/ready`))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, pid: child.pid ?? 0, url, stop };
}

async function isReady(url: string): Promise<boolean> {
  try {
    return (await request(url)).status === 200;
  } catch {
    return false;
  }
}
