import { HttpUpstreamClient } from '../src/upstream/http-upstream.client';
import { UpstreamFailure } from '../src/upstream/upstream.errors';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { createUpstreamSim, FaultMode, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import {
  adminFetch,
  AdminJob,
  blobEtags,
  getBytes,
  startTestApp,
  TestApp,
} from './support/test-app';
import { ADMIN_HEADERS } from './support/tokens';
import { waitFor } from './support/wait';

const schedulePath = (companyId: number, date: string) =>
  `/api/dr-schedule?startDate=${date}&endDate=${date}&serviceCompanyId=${companyId}`;

// Each fault gets its own dates: one never stored (a miss), one stored before the fault.
const FAULTS: [FaultMode, UpstreamFailure, string, string][] = [
  ['invalid-json', 'invalid-json', '2026-05-01', '2026-05-11'],
  ['not-success', 'not-success', '2026-05-02', '2026-05-12'],
  ['result-not-array', 'invalid-result', '2026-05-03', '2026-05-13'],
  ['bad-company-id', 'invalid-result', '2026-05-04', '2026-05-14'],
  ['fractional-company-id', 'invalid-result', '2026-05-05', '2026-05-15'],
  ['string-company-id', 'invalid-result', '2026-05-06', '2026-05-16'],
  ['huge', 'too-large', '2026-05-07', '2026-05-17'],
];

describe(`${HttpUpstreamClient.name} against a hostile upstream`, () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  const metric = async (pattern: RegExp): Promise<number> => {
    const text = await (await fetch(`${stack.url}/metrics`)).text();
    return Number(pattern.exec(text)?.[1] ?? 0);
  };
  const upstreamFailures = (kind: UpstreamFailure) =>
    metric(new RegExp(`^schedule_cache_upstream_requests_total{outcome="${kind}"} (\\d+)$`, 'm'));
  const failedJobs = () => metric(/^schedule_cache_pregen_jobs_total{status="failed"} (\d+)$/m);
  const blobsOf = async (date: string) =>
    [...(await blobEtags(stack.config.blob)).keys()].filter((name) => name.includes(date));

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 1, max: 5 } });
    stack = await startTestApp({
      UPSTREAM_BASE_URL: sim.url,
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
    'should answer a miss during %s with 502 JSON, store nothing and count %s',
    async (fault, kind, date) => {
      const companyId = sim.companyIds()[0];
      const before = await upstreamFailures(kind);
      sim.setFault(fault);

      const answer = await getBytes(stack.url + schedulePath(companyId, date), ADMIN_HEADERS);
      await stack.app.get(ScheduleRefreshService).drain();

      expect(answer.status).toBe(502);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body.toString())).toEqual({
        message: expect.stringMatching(/^Schedule service unavailable: the legacy schedule API /),
      });
      expect(await blobsOf(date)).toEqual([]);
      expect(await upstreamFailures(kind)).toBe(before + 1);
    },
  );

  it.each(FAULTS)(
    'should fail a pre-generation job during %s (%s) and leave stored documents untouched',
    async (fault, kind, _missDate, date) => {
      const companyId = sim.companyIds().find((id) => sim.jobsFor(date, id).length > 0)!;
      expect(
        (await getBytes(stack.url + schedulePath(companyId, date), ADMIN_HEADERS)).status,
      ).toBe(200);
      await stack.app.get(ScheduleRefreshService).drain();
      const stored = await blobEtags(stack.config.blob);
      expect([...stored.keys()].filter((name) => name.includes(date)).length).toBeGreaterThan(0);
      const [failuresBefore, jobsBefore] = [await upstreamFailures(kind), await failedJobs()];
      sim.setFault(fault);

      const trigger = await adminFetch(`${stack.url}/api/admin/pregen`, {
        method: 'POST',
        body: { dates: [date] },
      });
      expect(trigger.status).toBe(202);
      const { cycleId } = trigger.json as { cycleId: string };
      const failed = await waitFor(`the ${fault} job to fail`, async () => {
        const jobs = (await adminFetch(`${stack.url}/api/admin/jobs?state=failed`))
          .json as AdminJob[];
        return jobs.find((job) => job.cycleId === cycleId);
      });

      expect(failed.date).toBe(date);
      expect(await blobEtags(stack.config.blob)).toEqual(stored);
      expect(await upstreamFailures(kind)).toBe(failuresBefore + 1);
      expect(await failedJobs()).toBe(jobsBefore + 1);
      const hit = await getBytes(stack.url + schedulePath(companyId, date), ADMIN_HEADERS);
      expect([hit.status, hit.headers.get('x-cache')]).toEqual([200, 'HIT']);
    },
  );
});
