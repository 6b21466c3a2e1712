import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { ServiceProcess, serviceEnv, startServiceProcess } from './support/service-process';
import { waitFor } from './support/wait';
import { EnqueuedCycle, listJobs, postPregen } from './support/admin-api';
import { blobNames, startTestApp } from './support/test-app';
import { refreshedBlobNames } from './support/sim-schedules';

const DATE = '2026-05-04';

describe('Pre-generation jobs when their process stops', () => {
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
    const trigger = await postPregen(service.url, [DATE]);
    await waitFor('the job to call the upstream', () => sim.calls(DATE) === 1);
    return trigger.json<EnqueuedCycle>().jobs[0].id;
  };

  it('should finish the running job on SIGTERM, then exit 0', async () => {
    const jobId = await startJobAndWaitForUpstreamCall();

    service!.child.kill('SIGTERM');
    const code = await service!.exited;

    expect(code).toBe(0);
    expect(service!.output()).toContain('"msg":"refresh job finished"');
    expect(service!.output()).toContain(`"jobId":"${jobId}"`);
    expect(await blobNames(blobConfig(env))).toEqual(refreshedBlobNames(sim, DATE));
    expect(sim.calls(DATE)).toBe(1);
  });

  it('should drain once when SIGINT and SIGTERM both arrive, then exit 0', async () => {
    const jobId = await startJobAndWaitForUpstreamCall();

    // What Ctrl-C under scripts/start.sh sends: SIGINT to the group, then SIGTERM from its trap.
    service!.child.kill('SIGINT');
    service!.child.kill('SIGTERM');
    const code = await service!.exited;

    expect(code).toBe(0);
    // Sent together, the two may arrive in either order: one drains, the other is told it is.
    const signals = logMessages(service!.output()).filter((msg) => /^SIG\w+ received: /.test(msg));
    expect([
      ['SIGINT received: draining', 'SIGTERM received: already draining'],
      ['SIGTERM received: draining', 'SIGINT received: already draining'],
    ]).toContainEqual(signals);
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
        return (await listJobs(rescuer.url, 'completed')).find((job) => job.id === jobId);
      });

      expect(done.result?.failed).toBe(0);
      expect(sim.calls(DATE)).toBe(2);
      expect(await blobNames(rescuer.config.blob)).toEqual(refreshedBlobNames(sim, DATE));
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

/** The `msg` of every JSON log line of a service's output. */
function logMessages(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}
