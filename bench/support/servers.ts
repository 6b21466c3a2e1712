/** The processes a benchmark measures or needs: Redis, Azurite and the built service. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runtimeNodeFlags, runtimeStageEnv } from '../../test/support/dockerfile';
import { azuriteConnectionString, canConnect, freePort } from '../../test/support/services';
import { fetchOk, request } from './http';
import { spawnNode, spawnTracked, waitFor, type Child } from './processes';

export const HOST = '127.0.0.1';
const ADMIN_TOKEN = `bench-${randomBytes(12).toString('hex')}`;
export const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

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

/** The production image's environment (its Dockerfile's ENV lines): the malloc settings among them. */
export function imageEnv(): Record<string, string> {
  return runtimeStageEnv(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
}

/** The built service (`dist/main.js`) with the image's node flags and environment, ready once `/health/ready` answers 2xx. */
export type Service = Child & { url: string };

/** A node script that prints `listening on <url>` once it listens. */
export async function startListening(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<Service> {
  const child = spawnNode(name, script, env, args);
  let url: string | undefined;
  await waitFor(name, child, () => {
    url = /listening on (http:\/\/\S+)/.exec(child.outputTail)?.[1];
    return Promise.resolve(url !== undefined);
  });
  return Object.assign(child, { url: url ?? '' });
}

export async function startService(
  env: Record<string, string>,
  name = 'service',
): Promise<Service> {
  const port = await freePort();
  const service = spawnTracked(name, process.execPath, [...imageNodeFlags(), SERVICE_MAIN], {
    ...process.env,
    ...imageEnv(),
    ...env,
    PORT: String(port),
  });
  const url = `http://${HOST}:${port}`;
  await waitFor(name, service, async () => (await fetchOk(`${url}/health/ready`)) !== null);
  return Object.assign(service, { url });
}

/** What a service needs to run against the benchmark's own Redis, Azurite and simulator. */
export interface Backends {
  simUrl: string;
  redisPort: number;
  azuritePort: number;
}

/**
 * The environment every benchmarked service gets; `group` names its container and Redis key
 * prefix. Admin calls are not rate-limited: benchmarks poll and trigger through them.
 */
export function serviceEnv(backends: Backends, group: string): Record<string, string> {
  return {
    UPSTREAM_BASE_URL: backends.simUrl,
    UPSTREAM_API_TOKEN: '',
    REDIS_URL: `redis://${HOST}:${backends.redisPort}`,
    AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(backends.azuritePort),
    BLOB_CONTAINER: `bench-${group}`,
    REDIS_KEY_PREFIX: `bench-${group}`,
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
    PREGEN_ENABLED: 'false',
    SCHEDULE_TIMEZONE: 'UTC',
    ADMIN_RATE_LIMIT_PER_MINUTE: '0',
    // Scenarios read dates up to a year ahead, each its own miss.
    READ_FUTURE_DAYS: '3650',
    FAILED_AUTH_PER_MINUTE: '0',
  };
}
