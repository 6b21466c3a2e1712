import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { ScheduleRoute } from '../src/schedule/schedule.route';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { ScheduleDate } from '../src/domain/schedule-key';
import { startAzurite } from './support/services';
import { azuriteConnectionString } from './support/services';
import { blobEtags, getBytes, startTestApp, TestApp } from './support/test-app';
import { ADMIN_HEADERS } from './support/tokens';

const DATE = '2025-12-03';
const path = (companyId: number | string, date = DATE) =>
  `/api/dr-schedule?startDate=${date}&endDate=${date}&serviceCompanyId=${companyId}`;

describe(ScheduleRoute.name, () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 12, latencyMs: { min: 40, max: 60 } });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(async () => {
    sim.reset();
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url, UPSTREAM_TIMEOUT_MS: '1000' });
  });

  afterEach(async () => {
    await stack.close();
  });

  const storedBlobs = async (): Promise<string[]> => [
    ...(await blobEtags(stack.config.blob)).keys(),
  ];

  const companyWithJobs = () => sim.companyIds().find((id) => sim.jobsFor(DATE, id).length > 0)!;

  it('should answer a miss from the upstream, then a hit with identical bytes', async () => {
    const companyId = companyWithJobs();

    const miss = await getBytes(stack.url + path(companyId), ADMIN_HEADERS);
    await stack.app.get(ScheduleRefreshService).drain();
    const hit = await getBytes(stack.url + path(companyId), ADMIN_HEADERS);

    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(hit.body.equals(miss.body)).toBe(true);
    const jobs = sim.jobsFor(DATE, companyId);
    expect(JSON.parse(hit.body.toString('utf8'))).toEqual({
      Result: jobs,
      Message: `Successfully retrieved ${jobs.length} jobs`,
      IsSuccess: true,
    });
    expect(sim.calls(DATE)).toBe(1);
  });

  it('should pass the upstream bytes of every job through untouched', async () => {
    const companyId = companyWithJobs();
    const upstreamText = sim.responseBody(DATE, companyId);

    const { body } = await getBytes(stack.url + path(companyId), ADMIN_HEADERS);

    // The upstream's own per-company answer has the same jobs; only the Message may differ.
    const jobsText = (text: string) => text.slice(text.indexOf('['), text.lastIndexOf(']') + 1);
    expect(jobsText(body.toString('utf8'))).toBe(jobsText(upstreamText));
    expect(body.toString('utf8')).toMatch(/"BillRate":\d+\.\d+/);
  });

  it('should answer a company without jobs from the date manifest after one upstream call', async () => {
    const withJobs = companyWithJobs();
    const absent = 424242;

    await getBytes(stack.url + path(withJobs), ADMIN_HEADERS);
    await stack.app.get(ScheduleRefreshService).drain();
    const first = await getBytes(stack.url + path(absent), ADMIN_HEADERS);
    const second = await getBytes(stack.url + path(absent), ADMIN_HEADERS);

    expect(first.body.toString()).toBe(
      '{"Result":[],"Message":"Successfully retrieved 0 jobs","IsSuccess":true}',
    );
    expect(second.body.equals(first.body)).toBe(true);
    expect(first.headers.get('x-cache')).toBe('HIT');
    expect(sim.calls(DATE)).toBe(1);
  });

  it('should answer a company that is absent on a cold date with one upstream call', async () => {
    const first = await getBytes(stack.url + path(424242), ADMIN_HEADERS);
    await stack.app.get(ScheduleRefreshService).drain();
    const second = await getBytes(stack.url + path(424242), ADMIN_HEADERS);

    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(JSON.parse(second.body.toString()).Result).toEqual([]);
    expect(sim.calls(DATE)).toBe(1);
  });

  it('should make cancelled jobs disappear after the next refresh', async () => {
    const companyId = companyWithJobs();
    await getBytes(stack.url + path(companyId), ADMIN_HEADERS);

    sim.cancelJobs(companyId, DATE);
    const result = await stack.app.get(ScheduleRefreshService).refresh(DATE as ScheduleDate);
    const after = await getBytes(stack.url + path(companyId), ADMIN_HEADERS);

    expect(result.emptied).toBe(1);
    expect(after.headers.get('x-cache')).toBe('HIT');
    expect(JSON.parse(after.body.toString())).toEqual({
      Result: [],
      Message: 'Successfully retrieved 0 jobs',
      IsSuccess: true,
    });
  });

  it('should make one upstream call for 50 concurrent misses on one date', async () => {
    const companies = sim.companyIds();

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        getBytes(stack.url + path(companies[i % companies.length]), ADMIN_HEADERS),
      ),
    );

    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(sim.calls(DATE)).toBe(1);
    for (const [i, answer] of answers.entries()) {
      const jobs = sim.jobsFor(DATE, companies[i % companies.length]);
      expect(JSON.parse(answer.body.toString()).Result).toEqual(jobs);
    }
  });

  it.each([
    ['/api/dr-schedule?serviceCompanyId=1', 'startDate and endDate are required'],
    [
      '/api/dr-schedule?startDate=2025-12-03&serviceCompanyId=1',
      'startDate and endDate are required',
    ],
    [path(1, '2025-02-30'), 'Invalid date format. Use YYYY-MM-DD'],
    [path(1, '2025-12-03T00:00:00Z'), 'Invalid date format. Use YYYY-MM-DD'],
    [path(1, '99999-01-01'), 'Invalid date format. Use YYYY-MM-DD'],
    [
      '/api/dr-schedule?startDate=2025-12-03&startDate=2025-12-03&endDate=2025-12-03&serviceCompanyId=1',
      'Invalid date format. Use YYYY-MM-DD',
    ],
    [
      '/api/dr-schedule?startDate=2025-12-03&endDate=2025-12-04&serviceCompanyId=1',
      'startDate must equal endDate (single day queries only)',
    ],
    ['/api/dr-schedule?startDate=2025-12-03&endDate=2025-12-03', 'serviceCompanyId is required'],
    [path('..%2F1'), 'serviceCompanyId must be a positive integer'],
    [path('%2e%2e'), 'serviceCompanyId must be a positive integer'],
    [path('1.5'), 'serviceCompanyId must be a positive integer'],
    [path('-1'), 'serviceCompanyId must be a positive integer'],
    [path('1e3'), 'serviceCompanyId must be a positive integer'],
    [path('0x1F'), 'serviceCompanyId must be a positive integer'],
    [path('1%20'), 'serviceCompanyId must be a positive integer'],
    [path('%D9%A1%D9%A2'), 'serviceCompanyId must be a positive integer'],
    [path('99999999999999999999'), 'serviceCompanyId must be a positive integer'],
    [`${path(1)}&serviceCompanyId=2`, 'serviceCompanyId must be a positive integer'],
  ])('should answer %s with 400 "%s" and call nobody', async (url, message) => {
    const answer = await getBytes(stack.url + url, ADMIN_HEADERS);

    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body.toString())).toEqual({ message });
    expect(sim.calls()).toBe(0);
    expect(await storedBlobs()).toEqual([]);
  });

  it.each([
    ['http-500', 502],
    ['invalid-json', 502],
    ['not-success', 502],
    ['bad-company-id', 502],
    ['timeout', 504],
  ] as const)(
    'should answer upstream fault %s with %i and store nothing',
    async (fault, status) => {
      sim.setFault(fault);

      const answer = await getBytes(stack.url + path(companyWithJobs()), ADMIN_HEADERS);

      expect(answer.status).toBe(status);
      const body = JSON.parse(answer.body.toString()) as { message: string };
      expect(body.message).toMatch(/^Schedule service unavailable: the legacy schedule API /);
      expect(body.message).not.toContain(sim.url.replace('http://', ''));
      expect(await storedBlobs()).toEqual([]);
    },
  );

  it('should echo a sane incoming X-Request-Id and make one up otherwise', async () => {
    const kept = await getBytes(stack.url + path(1, 'bad'), {
      ...ADMIN_HEADERS,
      'x-request-id': 'portal-42.a:b',
    });
    const replaced = await getBytes(stack.url + path(1, 'bad'), {
      ...ADMIN_HEADERS,
      'x-request-id': 'a b<script>',
    });

    expect(kept.headers.get('x-request-id')).toBe('portal-42.a:b');
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
  });

  it('should answer a hit with stored data while the upstream is failing', async () => {
    const companyId = companyWithJobs();
    const miss = await getBytes(stack.url + path(companyId), ADMIN_HEADERS);
    await stack.app.get(ScheduleRefreshService).drain();
    sim.setFault('http-500');

    const hit = await getBytes(stack.url + path(companyId), ADMIN_HEADERS);

    expect(hit.status).toBe(200);
    expect(hit.body.equals(miss.body)).toBe(true);
  });
});

describe('ScheduleRoute without blob storage', () => {
  it('should answer from the upstream when Azurite has stopped', async () => {
    const sim = await createUpstreamSim({ companies: 6, latencyMs: { min: 5, max: 10 } });
    const azurite = await startAzurite();
    const stack = await startTestApp({
      UPSTREAM_BASE_URL: sim.url,
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(azurite.port),
      BLOB_TIMEOUT_MS: '1000',
    });
    try {
      const companyId = sim.companyIds().find((id) => sim.jobsFor(DATE, id).length > 0)!;
      await azurite.stop();

      const answer = await getBytes(stack.url + path(companyId), ADMIN_HEADERS);

      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-cache')).toBe('MISS');
      expect(JSON.parse(answer.body.toString()).Result).toEqual(sim.jobsFor(DATE, companyId));
    } finally {
      await stack.close();
      await sim.close();
      await azurite.stop();
    }
  });
});
