import { BlobServiceClient } from '@azure/storage-blob';
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

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** The HS256 key every test app and service process verifies user tokens with. */
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789-0123456789';

/** Tests poll the API far faster than any client may: only rate-limit tests turn limits on. */
export const NO_RATE_LIMITS = {
  RATE_LIMIT_PER_MINUTE: '0',
  ADMIN_RATE_LIMIT_PER_MINUTE: '0',
  FAILED_AUTH_PER_MINUTE: '0',
};

/** Tests read fixed dates, long past by now: only serving-window tests narrow the window. */
export const OPEN_READ_WINDOW = { READ_PAST_DAYS: '3650', READ_FUTURE_DAYS: '3650' };

/** A unique container (and queue prefix) per app keeps suites that share Azurite and Redis apart. */
export function uniqueContainer(): string {
  return `test-${randomBytes(6).toString('hex')}`;
}

/** Starts the real application on an ephemeral port against the suite's Redis and Azurite. */
export async function startTestApp(env: Record<string, string>): Promise<TestApp> {
  const config = loadConfig({
    REDIS_URL: requireEnv('TEST_REDIS_URL'),
    AZURE_STORAGE_CONNECTION_STRING: requireEnv('TEST_AZURE_STORAGE_CONNECTION_STRING'),
    BLOB_CONTAINER: uniqueContainer(),
    REDIS_KEY_PREFIX: uniqueContainer(),
    LOG_LEVEL: 'silent',
    PORT: '1',
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    PREGEN_ENABLED: 'false',
    // Each test turns on what it tests: a warm-up reads blobs that tests count, retention deletes.
    WARMUP_TIMEOUT_MS: '0',
    RETENTION_DAYS: '0',
    PREGEN_BACKOFF_MS: '50',
    // A worker that lost Redis fetches again at once, not after Bull's 5 s.
    PREGEN_FETCH_RETRY_MS: '200',
    ...NO_RATE_LIMITS,
    ...OPEN_READ_WINDOW,
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

/** Runs `use` against an app started with `env` (see startTestApp), closing it however it ends. */
export async function withTestApp<T>(
  env: Record<string, string>,
  use: (stack: TestApp) => Promise<T>,
): Promise<T> {
  const stack = await startTestApp(env);
  try {
    return await use(stack);
  } finally {
    await stack.close();
  }
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: e2e tests run through jest's e2e project global setup`);
  }
  return value;
}

/** A blob container of the suite's Azurite: `TestApp.config.blob`, for one. */
export interface BlobContainer {
  /** Always set for Azurite; optional as in AppConfig, whose other way is an account URL. */
  readonly connectionString?: string;
  readonly container: string;
}

/** Every blob of a container with its ETag. */
export async function blobEtags(blob: BlobContainer): Promise<Map<string, string>> {
  const container = BlobServiceClient.fromConnectionString(
    blob.connectionString ?? requireEnv('TEST_AZURE_STORAGE_CONNECTION_STRING'),
  ).getContainerClient(blob.container);
  const etags = new Map<string, string>();
  for await (const blob of container.listBlobsFlat()) {
    etags.set(blob.name, blob.properties.etag ?? '');
  }
  return etags;
}

/** The names of every blob of a container, sorted. */
export async function blobNames(blob: BlobContainer): Promise<string[]> {
  return [...(await blobEtags(blob)).keys()].sort();
}
