import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { runPregen } from './support/admin-api';
import { DelayProxy, startDelayProxy } from './support/delay-proxy';
import { getSchedule, jobsOf } from './support/schedule-api';
import { ServiceProcess, serviceEnv, startServiceProcess } from './support/service-process';
import { azuriteConnectionString } from './support/services';
import { companiesWithJobs } from './support/sim-schedules';
import { AS_ADMIN } from './support/tokens';

const DATE = '2026-05-04';

describe('GET /api/dr-schedule with slow blob storage', () => {
  let sim: UpstreamSim;
  let proxy: DelayProxy;
  let service: ServiceProcess | undefined;

  beforeEach(async () => {
    sim = await createUpstreamSim({ companies: 6, latencyMs: { min: 5, max: 10 } });
    proxy = await startDelayProxy(suiteAzuritePort());
  });

  afterEach(async () => {
    await service?.kill();
    await proxy.close();
    await sim.close();
  });

  it('should answer from memory and the upstream, never 5xx, and still exit 0', async () => {
    service = await startServiceProcess(
      serviceEnv({
        UPSTREAM_BASE_URL: sim.url,
        AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(proxy.port),
        BLOB_TIMEOUT_MS: '1000',
      }),
    );
    await runPregen(service.url, [DATE]);
    const [inMemory, onlyStored] = companiesWithJobs(sim, DATE);
    const read = (companyId: number) =>
      getSchedule(service!.url, { date: DATE, companyId }, AS_ADMIN);
    await read(inMemory);

    // Each answer of storage now comes three times later than reads wait for it.
    proxy.setDelay(3_000);
    const hit = await read(inMemory);
    const miss = await read(onlyStored);
    service.child.kill('SIGTERM');
    const code = await service.exited;

    expect([hit.status, hit.headers['x-cache']]).toEqual([200, 'HIT']);
    expect(jobsOf(hit)).toEqual(sim.jobsFor(DATE, inMemory));
    expect([miss.status, miss.headers['x-cache']]).toEqual([200, 'MISS']);
    expect(jobsOf(miss)).toEqual(sim.jobsFor(DATE, onlyStored));
    // The cycle's call and the one read storage could not answer in time.
    expect(sim.calls(DATE)).toBe(2);
    expect(code).toBe(0);
  });
});

function suiteAzuritePort(): number {
  const endpoint = /BlobEndpoint=([^;]+)/.exec(
    process.env.TEST_AZURE_STORAGE_CONNECTION_STRING ?? '',
  );
  if (!endpoint) {
    throw new Error('TEST_AZURE_STORAGE_CONNECTION_STRING names no BlobEndpoint');
  }
  return Number(new URL(endpoint[1]).port);
}
