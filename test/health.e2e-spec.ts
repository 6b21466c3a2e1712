import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { azuriteConnectionString, freePort, startAzurite } from './support/services';
import { postPregen } from './support/admin-api';
import { request } from './support/http';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface Health {
  status: string;
  details: Record<string, { status: string } & Record<string, unknown>>;
}

describe('Health probes: GET /health, /health/live and /health/ready', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 3, latencyMs: { min: 5, max: 10 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  const health = async (url: string) => {
    const answer = await request(url);
    return { status: answer.status, body: answer.json<Health>() };
  };

  describe('with every dependency up', () => {
    let stack: TestApp;

    beforeAll(async () => {
      stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
    });

    afterAll(async () => {
      await stack.close();
    });

    it('should answer liveness without looking at any dependency', async () => {
      const live = await health(`${stack.url}/health/live`);

      expect(live.status).toBe(200);
      expect(live.body.details).toEqual({});
    });

    it('should be ready when blob storage and the upstream answer', async () => {
      const ready = await health(`${stack.url}/health/ready`);

      expect(ready.status).toBe(200);
      expect(ready.body.details.reads).toMatchObject({
        status: 'up',
        blob: { status: 'up' },
        upstream: { status: 'up' },
      });
    });

    it('should detail redis, blob, upstream, queue counts and pre-generation ages', async () => {
      const details = await health(`${stack.url}/health`);

      expect(details.status).toBe(200);
      expect(details.body.details).toMatchObject({
        blob: { status: 'up' },
        upstream: { status: 'up' },
        redis: { status: 'up' },
        queue: { status: 'up', waiting: 0, failed: 0 },
        pregen: { status: 'up' },
      });
      expect(Object.keys(details.body.details.pregen.lastSuccess as object)).toHaveLength(7);
    });
  });

  it('should stay ready on the upstream alone, and not ready with neither', async () => {
    const azurite = await startAzurite();
    const closedPort = await freePort();
    const [withUpstream, withNothing] = await Promise.all([
      startTestApp({
        UPSTREAM_BASE_URL: sim.url,
        AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(azurite.port),
        BLOB_TIMEOUT_MS: '500',
      }),
      startTestApp({
        UPSTREAM_BASE_URL: `http://127.0.0.1:${closedPort}`,
        AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(azurite.port),
        BLOB_TIMEOUT_MS: '500',
      }),
    ]);
    try {
      await azurite.stop();

      const degraded = await health(`${withUpstream.url}/health/ready`);
      const down = await health(`${withNothing.url}/health/ready`);

      expect(degraded.status).toBe(200);
      expect(degraded.body.details.reads).toMatchObject({ blob: { status: 'down' } });
      expect(down.status).toBe(503);
      expect(down.body.details.reads).toMatchObject({
        status: 'down',
        blob: { status: 'down' },
        upstream: { status: 'down' },
      });
    } finally {
      await Promise.all([withUpstream.close(), withNothing.close()]);
    }
  });

  it('should turn not ready as soon as shutdown begins, while running jobs finish', async () => {
    sim.setLatency(1500, 1500);
    const stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
    try {
      await postPregen(stack.url, ['2026-06-01']);
      await waitFor('the job to call the upstream', () => sim.calls('2026-06-01') === 1);

      const closing = stack.close();
      const ready = await waitFor('readiness to fail', async () => {
        const answer = await health(`${stack.url}/health/ready`);
        return answer.status !== 200 && answer;
      });
      await closing;

      expect(ready.status).toBe(503);
      expect(ready.body.details.shutdown).toEqual({ status: 'down', message: 'draining' });
    } finally {
      sim.reset();
    }
  });
});
