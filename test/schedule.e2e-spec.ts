import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { QueryMessages, ScheduleDate } from '../src/domain/schedule-key';
import { addDays } from '../src/domain/calendar';
import { pregenDates } from '../src/domain/pregen-dates';
import { azuriteConnectionString, startAzurite } from './support/services';
import { getSchedule, jobsOf, ScheduleQuery, scheduleUrl } from './support/schedule-api';
import { blobNames, startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { companyWithJobs } from './support/sim-schedules';

const DATE = '2025-12-03';

/**
 * One invalid query per legacy 400 message, each answered before anything is read or called.
 * Every hostile value is in the unit table of src/domain/schedule-key.spec.ts; these rows are
 * chosen for what only the HTTP layer can get wrong: decoding and repeated parameters.
 */
const INVALID_QUERIES: Record<keyof typeof QueryMessages, ScheduleQuery> = {
  datesRequired: { companyId: 1 },
  // A repeated parameter arrives as an array, not as its last value.
  dateFormat: { date: DATE, companyId: 1, extra: [`startDate=${DATE}`] },
  singleDay: { date: DATE, endDate: '2025-12-04', companyId: 1 },
  // The static admin token implies no company.
  companyRequired: { date: DATE },
  // Percent-decoded before it is validated: '../1'.
  companyInvalid: { date: DATE, companyId: '..%2F1' },
};

describe('GET /api/dr-schedule', () => {
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

  const get = (query: ScheduleQuery, headers: Record<string, string> = {}) =>
    getSchedule(stack.url, query, { ...AS_ADMIN, headers });
  const drain = () => stack.app.get(ScheduleRefreshService).drain();

  it('should answer a miss from the upstream, then a hit with identical bytes', async () => {
    const companyId = companyWithJobs(sim, DATE);

    const miss = await get({ date: DATE, companyId });
    await drain();
    const hit = await get({ date: DATE, companyId });

    expect(miss.status).toBe(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(hit.status).toBe(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(hit.body.equals(miss.body)).toBe(true);
    const jobs = sim.jobsFor(DATE, companyId);
    expect(hit.json()).toEqual({
      Result: jobs,
      Message: `Successfully retrieved ${jobs.length} jobs`,
      IsSuccess: true,
    });
    expect(sim.calls(DATE)).toBe(1);
  });

  it('should pass the upstream bytes of every job through untouched', async () => {
    const companyId = companyWithJobs(sim, DATE);
    const upstreamText = sim.responseBody(DATE, companyId);

    const answer = await get({ date: DATE, companyId });

    // The upstream's own per-company answer has the same jobs; only the Message may differ.
    const jobsText = (text: string) => text.slice(text.indexOf('['), text.lastIndexOf(']') + 1);
    expect(jobsText(answer.text())).toBe(jobsText(upstreamText));
    expect(answer.text()).toMatch(/"BillRate":\d+\.\d+/);
  });

  it('should answer a company without jobs from the date manifest after one upstream call', async () => {
    const absent = 424242;

    await get({ date: DATE, companyId: companyWithJobs(sim, DATE) });
    await drain();
    const first = await get({ date: DATE, companyId: absent });
    const second = await get({ date: DATE, companyId: absent });

    expect(first.status).toBe(200);
    expect(first.text()).toBe(
      '{"Result":[],"Message":"Successfully retrieved 0 jobs","IsSuccess":true}',
    );
    expect(first.headers['x-cache']).toBe('HIT');
    expect(second.body.equals(first.body)).toBe(true);
    expect(sim.calls(DATE)).toBe(1);
  });

  it('should answer a company that is absent on a cold date with one upstream call', async () => {
    const first = await get({ date: DATE, companyId: 424242 });
    await drain();
    const second = await get({ date: DATE, companyId: 424242 });

    expect([first.status, first.headers['x-cache']]).toEqual([200, 'MISS']);
    expect([second.status, second.headers['x-cache']]).toEqual([200, 'HIT']);
    expect(second.text()).toBe(
      '{"Result":[],"Message":"Successfully retrieved 0 jobs","IsSuccess":true}',
    );
    expect(first.body.equals(second.body)).toBe(true);
    expect(sim.calls(DATE)).toBe(1);
  });

  it('should make cancelled jobs disappear after the next refresh', async () => {
    const companyId = companyWithJobs(sim, DATE);
    await get({ date: DATE, companyId });

    sim.cancelJobs(companyId, DATE);
    const result = await stack.app.get(ScheduleRefreshService).refresh(DATE as ScheduleDate);
    const after = await get({ date: DATE, companyId });

    expect(result.emptied).toBe(1);
    expect(after.headers['x-cache']).toBe('HIT');
    expect(after.json()).toEqual({
      Result: [],
      Message: 'Successfully retrieved 0 jobs',
      IsSuccess: true,
    });
  });

  it('should make one upstream call for 50 concurrent misses on one date', async () => {
    const companies = sim.companyIds();

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        get({ date: DATE, companyId: companies[i % companies.length] }),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
    expect(sim.calls(DATE)).toBe(1);
    for (const [i, answer] of answers.entries()) {
      expect(jobsOf(answer)).toEqual(sim.jobsFor(DATE, companies[i % companies.length]));
    }
  });

  it('should answer a hit with stored data while the upstream is failing', async () => {
    const companyId = companyWithJobs(sim, DATE);
    const miss = await get({ date: DATE, companyId });
    await drain();
    sim.setFault('http-500');

    const hit = await get({ date: DATE, companyId });

    expect([hit.status, hit.headers['x-cache']]).toEqual([200, 'HIT']);
    expect(hit.body.equals(miss.body)).toBe(true);
    expect(sim.calls(DATE)).toBe(1);
  });
});

describe('GET /api/dr-schedule with an invalid query', () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  // Nothing here calls the legacy API or stores anything: one app serves every test.
  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 2, latencyMs: { min: 0, max: 0 } });
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
  });

  afterAll(async () => {
    await stack.close();
    await sim.close();
  });

  const get = (query: ScheduleQuery, headers: Record<string, string> = {}) =>
    getSchedule(stack.url, query, { ...AS_ADMIN, headers });

  it('should echo a sane incoming X-Request-Id and make one up otherwise', async () => {
    const invalid = { date: 'bad', companyId: 1 };

    const kept = await get(invalid, { 'x-request-id': 'portal-42.a:b' });
    const replaced = await get(invalid, { 'x-request-id': 'a b<script>' });

    expect(kept.headers['x-request-id']).toBe('portal-42.a:b');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
  });

  it.each(
    Object.entries(INVALID_QUERIES).map(([name, query]) => [
      scheduleUrl('', query),
      QueryMessages[name as keyof typeof QueryMessages],
      query,
    ]),
  )('should answer %s with 400 "%s", calling and storing nothing', async (_url, message, query) => {
    const answer = await get(query);

    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.text()).toBe(JSON.stringify({ message }));
    expect(sim.calls()).toBe(0);
    expect(await blobNames(stack.config.blob)).toEqual([]);
  });
});

describe('GET /api/dr-schedule outside the serving window', () => {
  const today = pregenDates(new Date(), 'UTC', 1)[0];
  let sim: UpstreamSim;
  let stack: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 5, max: 10 } });
    stack = await startTestApp({
      UPSTREAM_BASE_URL: sim.url,
      READ_PAST_DAYS: '1',
      READ_FUTURE_DAYS: '6',
    });
  });

  afterAll(async () => {
    await stack.close();
    await sim.close();
  });

  const get = (date: string, endDate?: string) =>
    getSchedule(stack.url, { date, endDate, companyId: sim.companyIds()[0] }, AS_ADMIN);

  it.each([
    ['two days ago', () => addDays(today, -2)],
    ['a week ahead', () => addDays(today, 7)],
    ['in the year 9999', () => '9999-12-31'],
    ['in the year 0100', () => '0100-01-01'],
  ])(
    'should refuse a date %s with 400 in the legacy style, calling nothing',
    async (_when, date) => {
      const answer = await get(date());

      expect(answer.status).toBe(400);
      expect(answer.text()).toBe(
        JSON.stringify({
          message: `Date out of range. Use a date from ${addDays(today, -1)} to ${addDays(today, 6)}`,
        }),
      );
      expect(sim.calls()).toBe(0);
    },
  );

  it('should answer a range across the edge with the single-day message, as the legacy API does', async () => {
    const answer = await get(today, addDays(today, 7));

    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({ message: QueryMessages.singleDay });
    expect(sim.calls()).toBe(0);
  });

  it('should serve yesterday and the last pre-generated day', async () => {
    const edges = [addDays(today, -1), addDays(today, 6)];

    const answers = await Promise.all(edges.map((date) => get(date)));

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(edges.map((date) => sim.calls(date))).toEqual([1, 1]);
  });
});

describe('GET /api/dr-schedule with blob storage down', () => {
  it('should answer from the upstream when Azurite has stopped', async () => {
    const sim = await createUpstreamSim({ companies: 6, latencyMs: { min: 5, max: 10 } });
    const azurite = await startAzurite();
    const stack = await startTestApp({
      UPSTREAM_BASE_URL: sim.url,
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(azurite.port),
      BLOB_TIMEOUT_MS: '1000',
    });
    try {
      const companyId = companyWithJobs(sim, DATE);
      await azurite.stop();

      const answer = await getSchedule(stack.url, { date: DATE, companyId }, AS_ADMIN);

      expect([answer.status, answer.headers['x-cache']]).toEqual([200, 'MISS']);
      expect(jobsOf(answer)).toEqual(sim.jobsFor(DATE, companyId));
      expect(sim.calls(DATE)).toBe(1);
    } finally {
      await stack.close();
      await sim.close();
      await azurite.stop();
    }
  });
});
