/** What every scenario of `npm run bench` shares: Redis, Azurite and the simulated legacy API. */
import { BlobServiceClient } from '@azure/storage-blob';
import { getPriority, setPriority } from 'node:os';

import { azuriteConnectionString } from '../../test/support/services';
import { createUpstreamSim, type UpstreamSim } from '../../tools/upstream-sim/upstream-sim';
import { log } from './processes';
import { startAzurite, startRedis } from './servers';

const SIM_COMPANIES = 20;

export interface Stack {
  redisPort: number;
  azuritePort: number;
  sim: UpstreamSim;
  blob: BlobServiceClient;
}

/**
 * Redis and Azurite as processes of their own (stopped on exit), the sim in this process.
 * `backendNice` lowers Redis and Azurite below the services, as if they ran on machines of
 * their own as in production: they take only the cores the services leave.
 */
export async function startStack(backendNice = 0): Promise<Stack> {
  log('starting Redis, Azurite and the upstream sim');
  const redis = await startRedis();
  const azurite = await startAzurite();
  for (const { pid } of backendNice > 0 ? [redis, azurite] : []) {
    setPriority(pid, Math.min(19, getPriority(process.pid) + backendNice));
  }
  const sim = await createUpstreamSim({
    companies: SIM_COMPANIES,
    latencyMs: { min: 0, max: 0 },
    seed: 1,
  });
  return {
    redisPort: redis.port,
    azuritePort: azurite.port,
    sim,
    blob: BlobServiceClient.fromConnectionString(azuriteConnectionString(azurite.port)),
  };
}
