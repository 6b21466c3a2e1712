import { BlobServiceClient } from '@azure/storage-blob';
import { parseScheduleQuery } from '../src/domain/schedule-key';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { ADMIN_TOKEN, startTestApp, TestApp } from './support/test-app';

const DATE = '2025-12-03';
const BLOB_NAME =
  /^(\d+\/\d{4}-\d{2}-\d{2}\/schedule\.json|manifests\/\d{4}-\d{2}-\d{2}\.json|users\/users\.json|feature-toggles\/.+)$/;

const query = (company: string, start = DATE, end = start) =>
  `/api/dr-schedule?startDate=${start}&endDate=${end}&serviceCompanyId=${company}`;

const HOSTILE_QUERIES: [string, string][] = [
  [query('../1'), 'serviceCompanyId must be a positive integer'],
  [query('..%2F1'), 'serviceCompanyId must be a positive integer'],
  [query('%2e%2e'), 'serviceCompanyId must be a positive integer'],
  [query('%2e%2e%2f%2e%2e%2fmanifests'), 'serviceCompanyId must be a positive integer'],
  [query('%D9%A1%D9%A2'), 'serviceCompanyId must be a positive integer'],
  [query('0x1F'), 'serviceCompanyId must be a positive integer'],
  [query('1%20'), 'serviceCompanyId must be a positive integer'],
  [query('1%00'), 'serviceCompanyId must be a positive integer'],
  [query('99999999999999999999'), 'serviceCompanyId must be a positive integer'],
  [`${query('1')}&serviceCompanyId=2`, 'serviceCompanyId must be a positive integer'],
  [query('x'.repeat(5_000)), 'serviceCompanyId must be a positive integer'],
  [query('1', '2025-02-30'), 'Invalid date format. Use YYYY-MM-DD'],
  [query('1', '99999-01-01'), 'Invalid date format. Use YYYY-MM-DD'],
  [query('1', '2025-12-03T00:00:00Z'), 'Invalid date format. Use YYYY-MM-DD'],
  [query('1', '..%2F..%2F2025-12-03'), 'Invalid date format. Use YYYY-MM-DD'],
  [`${query('1')}&startDate=${DATE}`, 'Invalid date format. Use YYYY-MM-DD'],
  [query('1', 'x'.repeat(5_000), DATE), 'Invalid date format. Use YYYY-MM-DD'],
];

const HOSTILE_ADMIN: [string, string, string | undefined][] = [
  ['POST', '/api/admin/pregen', '[1,2]'],
  ['POST', '/api/admin/pregen', '5'],
  ['POST', '/api/admin/pregen', '"2025-12-03"'],
  ['POST', '/api/admin/pregen', '{"dates":"2025-12-03"}'],
  ['POST', '/api/admin/pregen', '{"dates":[20251203]}'],
  ['POST', '/api/admin/pregen', '{"dates":{"0":"2025-12-03"}}'],
  ['POST', '/api/admin/pregen', '{"dates":["../../2025-12-03"]}'],
  ['POST', '/api/admin/pregen', '{"dates":[["2025-12-03"]]}'],
  ['POST', '/api/admin/pregen', '{"dates":["2025-12-03"],"extra":true}'],
  ['POST', '/api/admin/pregen', '{"dates":['],
  ['GET', '/api/admin/jobs?state[]=failed', undefined],
  ['GET', '/api/admin/jobs?state=failed&state=completed', undefined],
  ['GET', '/api/admin/jobs?limit=1e3', undefined],
  ['GET', '/api/admin/jobs?limit=-1', undefined],
  ['POST', '/api/admin/jobs/..%2F..%2Fx/retry', '{"id":[1]}'],
];

/** Every request goes through here: a bearer token for every route once /api needs one. */
function send(url: string, method = 'GET', body?: string): Promise<Response> {
  return fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body,
  });
}

describe(`${parseScheduleQuery.name} and the admin API against hostile input`, () => {
  let sim: UpstreamSim;
  let stack: TestApp;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 3, latencyMs: { min: 1, max: 2 } });
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
  });

  afterAll(async () => {
    try {
      const container = BlobServiceClient.fromConnectionString(
        stack.config.blob.connectionString,
      ).getContainerClient(stack.config.blob.container);
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat()) {
        names.push(blob.name);
      }
      expect(names.filter((name) => !BLOB_NAME.test(name))).toEqual([]);
      const dates = Object.keys(sim.callCounts().byDate);
      expect(sim.callCounts().total).toBe(
        Object.values(sim.callCounts().byDate).reduce((sum, n) => sum + n, 0),
      );
      expect(dates.every((date) => /^\d{4}-\d{2}-\d{2}$/.test(date))).toBe(true);
    } finally {
      await stack.close();
      await sim.close();
    }
  });

  it('should still serve a sane request (so the checks below see real traffic)', async () => {
    const answer = await send(stack.url + query(String(sim.companyIds()[0])));
    await stack.app.get(ScheduleRefreshService).drain();

    expect(answer.status).toBe(200);
  });

  it.each(HOSTILE_QUERIES)(
    'should answer hostile query #%# with 400 and its message',
    async (path, message) => {
      const callsBefore = sim.calls();

      const answer = await send(stack.url + path);

      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await answer.json()).toEqual({ message });
      expect(sim.calls()).toBe(callsBefore);
    },
  );

  it.each(HOSTILE_ADMIN)(
    'should answer %s %s with body %s as a JSON 4xx',
    async (method, path, body) => {
      const answer = await send(stack.url + path, method, body);

      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await answer.json()).toEqual(expect.objectContaining({ message: expect.any(String) }));
    },
  );
});
