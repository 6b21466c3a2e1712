import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { PregenProcessor } from '../src/pregen/pregen.processor';
import { ServiceProcess, serviceEnv, startServiceProcess } from './support/service-process';
import { waitFor } from './support/wait';
import { AdminJob, adminFetch, blobEtags, startTestApp } from './support/test-app';

const DATE = '2026-05-04';

describe(PregenProcessor.name, () => {
  let sim: UpstreamSim;
  let env: Record<string, string>;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 1500, max: 1500 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(() => {
    sim.reset();
    env = serviceEnv({
      UPSTREAM_BASE_URL: sim.url,
      PREGEN_LOCK_MS: '2000',
      PREGEN_STALLED_CHECK_MS: '1000',
      LOG_LEVEL: 'info',
    });
  });

  afterEach(async () => {
    await service?.kill();
  });

  const startJobAndWaitForUpstreamCall = async (): Promise<string> => {
    service = await startServiceProcess(env);
    const trigger = await adminFetch(`${service.url}/api/admin/pregen`, {
      method: 'POST',
      body: { dates: [DATE] },
    });
    await waitFor('the job to call the upstream', () => sim.calls(DATE) === 1);
    return (trigger.json as { jobs: { id: string }[] }).jobs[0].id;
  };

  it('should finish the running job on SIGTERM, then exit 0', async () => {
    const jobId = await startJobAndWaitForUpstreamCall();

    service!.child.kill('SIGTERM');
    const code = await service!.exited;

    expect(code).toBe(0);
    expect(service!.output()).toContain('"msg":"refresh job finished"');
    expect(service!.output()).toContain(`"jobId":"${jobId}"`);
    expect([...(await blobEtags(blobConfig(env))).keys()]).toContain(`manifests/${DATE}.json`);
    expect(sim.calls(DATE)).toBe(1);
  });

  it('should drain once when SIGINT and SIGTERM both arrive, then exit 0', async () => {
    const jobId = await startJobAndWaitForUpstreamCall();

    // What Ctrl-C under scripts/start.sh sends: SIGINT to the group, then SIGTERM from its trap.
    service!.child.kill('SIGINT');
    service!.child.kill('SIGTERM');
    const code = await service!.exited;

    expect(code).toBe(0);
    expect(service!.output()).toContain('"msg":"SIGTERM received: already draining"');
    expect(service!.output()).not.toContain('Shutting down with jobs still running');
    expect(service!.output()).toContain(`"jobId":"${jobId}"`);
    expect(sim.calls(DATE)).toBe(1);
  });

  it('should let another instance complete a job whose worker was killed', async () => {
    const jobId = await startJobAndWaitForUpstreamCall();

    service!.child.kill('SIGKILL');
    await service!.exited;
    const rescuer = await startTestApp({ ...env, LOG_LEVEL: 'silent' });
    try {
      const done = await waitFor('the stalled job to complete elsewhere', async () => {
        const list = (await adminFetch(`${rescuer.url}/api/admin/jobs?state=completed`))
          .json as AdminJob[];
        return list.find((job) => job.id === jobId);
      });

      expect(done.result?.failed).toBe(0);
      expect(sim.calls(DATE)).toBe(2);
      const stored = await blobEtags(rescuer.config.blob);
      for (const companyId of sim.companyIds()) {
        if (sim.jobsFor(DATE, companyId).length > 0) {
          expect(stored.has(`${companyId}/${DATE}/schedule.json`)).toBe(true);
        }
      }
    } finally {
      await rescuer.close();
    }
  });
});

function blobConfig(env: Record<string, string>) {
  return {
    connectionString: env.AZURE_STORAGE_CONNECTION_STRING,
    container: env.BLOB_CONTAINER,
  };
}
