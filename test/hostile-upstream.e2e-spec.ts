import { UpstreamFailure } from '../src/upstream/upstream.errors';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { createUpstreamSim, FaultMode, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { EnqueuedCycle, listJobs, postPregen } from './support/admin-api';
import { request } from './support/http';
import { getSchedule } from './support/schedule-api';
import { blobEtags, blobNames, startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { waitFor } from './support/wait';
import { companyWithJobs, refreshedBlobNames } from './support/sim-schedules';

const UNAVAILABLE = 'Schedule service unavailable: the legacy schedule API';

/**
 * Each fault with its own dates: one never stored (a miss), one stored before the fault; the
 * refused answer's kind, status and message.
 */
const FAULTS: [FaultMode, UpstreamFailure, string, string, number, string][] = [
  ['http-500', 'http-status', '2026-05-01', '2026-05-11', 502, 'answered with an error'],
  ['timeout', 'timeout', '2026-05-02', '2026-05-12', 504, 'did not answer in time'],
  ['invalid-json', 'invalid-json', '2026-05-03', '2026-05-13', 502, 'answered invalid data'],
  ['not-success', 'not-success', '2026-05-04', '2026-05-14', 502, 'reported a failure'],
  ['result-not-array', 'invalid-result', '2026-05-05', '2026-05-15', 502, 'answered invalid data'],
  ['bad-company-id', 'invalid-result', '2026-05-06', '2026-05-16', 502, 'answered invalid data'],
  [
    'fractional-company-id',
    'invalid-result',
    '2026-05-07',
    '2026-05-17',
    502,
    'answered invalid data',
  ],
  ['string-company-id', 'invalid-result', '2026-05-08', '2026-05-18', 502, 'answered invalid data'],
  ['huge', 'too-large', '2026-05-09', '2026-05-19', 502, 'answered too much data'],
];

describe('Upstream failures', () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  const metric = async (pattern: RegExp): Promise<number> => {
    const text = (await request(`${stack.url}/metrics`)).text();
    return Number(pattern.exec(text)?.[1] ?? 0);
  };
  const upstreamFailures = (kind: UpstreamFailure) =>
    metric(new RegExp(`^schedule_cache_upstream_requests_total{outcome="${kind}"} (\\d+)$`, 'm'));
  const failedJobs = () => metric(/^schedule_cache_pregen_jobs_total{status="failed"} (\d+)$/m);
  const blobsOf = async (date: string) =>
    (await blobNames(stack.config.blob)).filter((name) => name.includes(date));

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 1, max: 5 } });
    stack = await startTestApp({
      UPSTREAM_BASE_URL: sim.url,
      UPSTREAM_TIMEOUT_MS: '1000',
      // The 'huge' fault streams 50 MB: over this cap, so it is refused.
      UPSTREAM_MAX_BODY_MB: '1',
      PREGEN_ATTEMPTS: '1',
    });
  });

  afterAll(async () => {
    await stack.close();
    await sim.close();
  });

  beforeEach(() => sim.reset());

  it.each(FAULTS)(
    'should answer a miss during %s (%s) with its status and message, storing nothing',
    async (fault, kind, date, _storedDate, status, message) => {
      const companyId = sim.companyIds()[0];
      const before = await upstreamFailures(kind);
      sim.setFault(fault);

      const answer = await getSchedule(stack.url, { date, companyId }, AS_ADMIN);
      await stack.app.get(ScheduleRefreshService).drain();

      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      // Nothing of where the upstream is, nor of what it said.
      expect(answer.text()).toBe(JSON.stringify({ message: `${UNAVAILABLE} ${message}` }));
      expect(await blobsOf(date)).toEqual([]);
      expect(await upstreamFailures(kind)).toBe(before + 1);
      expect(sim.calls(date)).toBe(1);
    },
  );

  it.each(FAULTS)(
    'should fail a pre-generation job during %s (%s) and leave stored documents untouched',
    async (fault, kind, _missDate, date) => {
      const companyId = companyWithJobs(sim, date);
      const stored = await getSchedule(stack.url, { date, companyId }, AS_ADMIN);
      await stack.app.get(ScheduleRefreshService).drain();
      const etags = await blobEtags(stack.config.blob);
      const [failuresBefore, jobsBefore] = [await upstreamFailures(kind), await failedJobs()];
      sim.setFault(fault);

      const trigger = await postPregen(stack.url, [date]);
      const { cycleId } = trigger.json<EnqueuedCycle>();
      const failed = await waitFor(`the ${fault} job to fail`, async () =>
        (await listJobs(stack.url, 'failed')).find((job) => job.cycleId === cycleId),
      );
      const hit = await getSchedule(stack.url, { date, companyId }, AS_ADMIN);

      expect(stored.status).toBe(200);
      expect(await blobsOf(date)).toEqual(refreshedBlobNames(sim, date));
      expect(trigger.status).toBe(202);
      expect(failed.date).toBe(date);
      expect(await blobEtags(stack.config.blob)).toEqual(etags);
      expect(await upstreamFailures(kind)).toBe(failuresBefore + 1);
      expect(await failedJobs()).toBe(jobsBefore + 1);
      expect([hit.status, hit.headers['x-cache']]).toEqual([200, 'HIT']);
      expect(hit.body.equals(stored.body)).toBe(true);
    },
  );
});
