import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { pregenDates } from '../src/domain/pregen-dates';
import { azuriteConnectionString, freePort, startAzurite } from './support/services';
import { postPregen, runPregen } from './support/admin-api';
import { startGatedProxy } from './support/gated-proxy';
import { request } from './support/http';
import { getSchedule } from './support/schedule-api';
import { companiesWithJobs, companyWithJobs } from './support/sim-schedules';
import { startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { waitFor } from './support/wait';

const BLOB_READS = 'schedule_cache_blob_operation_duration_seconds_count{op="read"}';

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

  const scrape = async (url: string): Promise<string> => (await request(`${url}/metrics`)).text();
  const metric = (text: string, series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
  };

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

  it('should check each dependency once for a burst of health calls', async () => {
    const stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
    try {
      // Absent until the first read.
      const readsBefore = metric(await scrape(stack.url), BLOB_READS) || 0;
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => health(`${stack.url}/health${i % 2 ? '/ready' : ''}`)),
      );
      const reads = metric(await scrape(stack.url), BLOB_READS) - readsBefore;

      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      // One probe read and the window's 7 manifests, against 10 × 8 + 10 unshared.
      expect(reads).toBe(8);
    } finally {
      await stack.close();
    }
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

  it("should not be ready until the warm-up loaded the window's documents, then HIT from memory", async () => {
    const days = 2;
    const window = pregenDates(new Date(), 'UTC', days);
    const env = { UPSTREAM_BASE_URL: sim.url, PREGEN_DAYS: String(days) };
    const writer = await startTestApp(env);
    const azuritePort = Number(/:(\d+)\//.exec(writer.config.blob.connectionString ?? '')?.[1]);
    // Manifests are what the warm-up reads first: while they are held, it cannot finish.
    const proxy = await startGatedProxy(azuritePort, /\/manifests\//);
    try {
      await runPregen(writer.url);
      const replica = await startTestApp({
        ...env,
        AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(proxy.port),
        BLOB_CONTAINER: writer.config.blob.container,
        WARMUP_TIMEOUT_MS: '600000',
        BLOB_TIMEOUT_MS: '120000',
        CACHE_REVALIDATE_SECONDS: '86400',
      });
      try {
        await waitFor('the warm-up to ask for a manifest', () => proxy.held() > 0);
        const warming = await health(`${replica.url}/health/ready`);
        proxy.release();
        const ready = await waitFor('readiness', async () => {
          const answer = await health(`${replica.url}/health/ready`);
          return answer.status === 200 && answer;
        });
        const readsBefore = metric(await scrape(replica.url), BLOB_READS);
        const companyId = companyWithJobs(sim, window[0]);
        const first = await getSchedule(replica.url, { date: window[0], companyId }, AS_ADMIN);
        const metrics = await scrape(replica.url);
        const loaded = window.flatMap((date) => companiesWithJobs(sim, date)).length;

        expect(warming.status).toBe(503);
        expect(warming.body.details.warmUp).toEqual({
          status: 'down',
          state: 'running',
          documents: 0,
        });
        expect(ready.body.details.warmUp).toEqual({
          status: 'up',
          state: 'complete',
          documents: loaded,
        });
        expect(first.status).toBe(200);
        expect(first.headers['x-cache']).toBe('HIT');
        expect(metric(metrics, BLOB_READS) - readsBefore).toBe(0);
        expect(metric(metrics, 'schedule_cache_warmup_documents')).toBe(loaded);
      } finally {
        await replica.close();
      }
    } finally {
      await proxy.close();
      await writer.close();
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
