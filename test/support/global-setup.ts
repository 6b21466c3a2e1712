import { azuriteConnectionString, RunningService, startAzurite, startRedis } from './services';

declare global {
  var testServices: RunningService[] | undefined;
}

/** Real Redis and Azurite for the e2e project, on free ports, shared by every suite. */
export default async function globalSetup(): Promise<void> {
  const [redis, azurite] = await Promise.all([startRedis(), startAzurite()]);
  globalThis.testServices = [redis, azurite];
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${redis.port}`;
  process.env.TEST_AZURE_STORAGE_CONNECTION_STRING = azuriteConnectionString(azurite.port);
}
