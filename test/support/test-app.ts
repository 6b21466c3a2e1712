import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly config: AppConfig;
  close(): Promise<void>;
}

/** A unique container per app keeps suites that share one Azurite apart. */
export function uniqueContainer(): string {
  return `test-${randomBytes(6).toString('hex')}`;
}

/** Starts the real application on an ephemeral port against the suite's Redis and Azurite. */
export async function startTestApp(env: Record<string, string>): Promise<TestApp> {
  const config = loadConfig({
    REDIS_URL: requireEnv('TEST_REDIS_URL'),
    AZURE_STORAGE_CONNECTION_STRING: requireEnv('TEST_AZURE_STORAGE_CONNECTION_STRING'),
    BLOB_CONTAINER: uniqueContainer(),
    LOG_LEVEL: 'silent',
    PORT: '1',
    ...env,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  return {
    app,
    url: await app.getUrl(),
    config,
    close: () => app.close(),
  };
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: e2e tests run through jest's e2e project global setup`);
  }
  return value;
}

export async function getBytes(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}
