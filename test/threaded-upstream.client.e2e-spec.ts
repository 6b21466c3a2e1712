import { createHash } from 'node:crypto';
import { MetricsService } from '../src/metrics/metrics.service';
import { ScheduleDate } from '../src/domain/schedule-key';
import { HttpUpstreamClient } from '../src/upstream/http-upstream.client';
import { ThreadedUpstreamClient } from '../src/upstream/threaded-upstream.client';
import { UpstreamError } from '../src/upstream/upstream.errors';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { standaloneConfig } from './support/standalone-config';
import { backgroundThreadCount } from './support/thread-priorities';
import { companiesWithJobs } from './support/sim-schedules';

const DATE = '2026-06-01' as ScheduleDate;

describe(ThreadedUpstreamClient.name, () => {
  let sim: UpstreamSim;
  let metrics: MetricsService;
  let client: ThreadedUpstreamClient;

  const upstreamCount = async (outcome: string): Promise<number> => {
    const text = await metrics.registry.metrics();
    const line = new RegExp(
      `^schedule_cache_upstream_requests_total{outcome="${outcome}"} (\\d+)$`,
      'm',
    );
    return Number(line.exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 5, latencyMs: { min: 1, max: 5 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(() => {
    sim.reset();
    metrics = new MetricsService();
    client = new ThreadedUpstreamClient(standaloneConfig({ UPSTREAM_BASE_URL: sim.url }), metrics);
  });

  afterEach(async () => {
    await client.onApplicationShutdown();
  });

  it('should answer the documents HttpUpstreamClient splits on this thread', async () => {
    const here = new HttpUpstreamClient(standaloneConfig({ UPSTREAM_BASE_URL: sim.url }).upstream, {
      recordUpstream: () => undefined,
    });

    const threaded = await client.fetchSchedule(DATE);
    const expected = await here.fetchSchedule(DATE);

    expect([...threaded.keys()].sort()).toEqual(companiesWithJobs(sim, DATE).sort());
    expect([...expected.keys()].sort()).toEqual(companiesWithJobs(sim, DATE).sort());
    for (const [companyId, document] of threaded) {
      expect(document.jobs).toBe(sim.jobsFor(DATE, companyId).length);
      expect(document.body.equals(expected.get(companyId)!.body)).toBe(true);
    }
  });

  it('should give every body memory of its own, so a cached one keeps no other alive', async () => {
    const documents = await client.fetchSchedule(DATE);

    for (const { body } of documents.values()) {
      expect(body.buffer.byteLength).toBe(body.length);
    }
  });

  it("should ask the caller's reservation for the answer's Content-Length and hash each document there", async () => {
    const asked: (number | null)[] = [];
    const grown: number[] = [];

    const documents = await client.fetchSchedule(DATE, {
      reserve: (length) => Promise.resolve((asked.push(length), length ?? 0)),
      grow: (bytes) => void grown.push(bytes),
    });

    expect(asked).toEqual([Buffer.byteLength(sim.responseBody(DATE))]);
    expect(grown).toEqual([]);
    for (const { body, sha256 } of documents.values()) {
      expect(sha256).toBe(createHash('sha256').update(body).digest('hex'));
    }
  });

  it("should raise the thread's UpstreamError with its kind and count it here", async () => {
    sim.setFault('not-success');
    const before = await upstreamCount('not-success');

    const failure = await client.fetchSchedule(DATE).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).kind).toBe('not-success');
    expect(await upstreamCount('not-success')).toBe(before + 1);
  });

  it("should count a successful call in this thread's metrics", async () => {
    await client.fetchUsers();

    expect(await upstreamCount('ok')).toBe(1);
  });

  it('should run its thread at a lower priority than the main thread', async () => {
    const before = backgroundThreadCount();

    await client.ping(2_000);

    expect(backgroundThreadCount()).toBe(before + 1);
  });

  it('should answer ping and a users call from the same thread', async () => {
    await expect(client.ping(2_000)).resolves.toBeUndefined();
    expect(JSON.parse(await client.fetchUsers())).toMatchObject({ IsSuccess: true });
  });

  it('should fail the calls of a thread that stopped and start a new one for the next', async () => {
    sim.setLatency(300, 300);
    const underWay = client.fetchSchedule(DATE);

    // Bracket access: a thread dying (out of memory, a bug) has no public trigger.
    await client['thread']['thread']?.terminate();

    await expect(underWay).rejects.toThrow(/^The upstream thread stopped/);
    expect([...(await client.fetchSchedule(DATE)).keys()].sort()).toEqual(
      companiesWithJobs(sim, DATE).sort(),
    );
  });

  it('should let a call under way finish on shutdown, then refuse new ones', async () => {
    sim.setLatency(300, 300);
    const underWay = client.fetchSchedule(DATE);

    await client.onApplicationShutdown();

    expect([...(await underWay).keys()].sort()).toEqual(companiesWithJobs(sim, DATE).sort());
    await expect(client.fetchUsers()).rejects.toThrow('The upstream client is shut down');
  });
});
