/** What every scenario of `npm run bench` shares: Redis, Azurite and the simulated legacy API. */
import { BlobServiceClient } from '@azure/storage-blob';

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

/** Redis and Azurite as processes of their own (stopped on exit), the sim in this process. */
export async function startStack(): Promise<Stack> {
  log('starting Redis, Azurite and the upstream sim');
  const redis = await startRedis();
  const azurite = await startAzurite();
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
