import { ScheduleHitLane } from '../src/schedule/schedule-hit-lane';
import { ScheduleRefreshService } from '../src/schedule/schedule-refresh.service';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { RawAnswer, rawGet } from './support/raw-get';
import { startTestApp, TestApp, uniqueContainer } from './support/test-app';
import { ADMIN_HEADERS, bearer, testToken } from './support/tokens';

// Per request or per connection by nature.
const VARYING = new Set(['date', 'x-request-id', 'age', 'connection', 'keep-alive']);

function stableHeaders(answer: RawAnswer): Record<string, unknown> {
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !VARYING.has(name)));
}

const path = (companyId: number, date: string) =>
  `/api/dr-schedule?startDate=${date}&endDate=${date}&serviceCompanyId=${companyId}`;

describe(ScheduleHitLane.name, () => {
  let sim: UpstreamSim;
  const apps: TestApp[] = [];

  const start = async (env: Record<string, string> = {}): Promise<TestApp> => {
    const app = await startTestApp({ UPSTREAM_BASE_URL: sim.url, ...env });
    apps.push(app);
    return app;
  };

  /** Whether the lane (true) or the Fastify route (false) answered each request since `spy`. */
  const answeredBy = (app: TestApp) => {
    const spy = jest.spyOn(app.app.get(ScheduleHitLane), 'serve');
    return () => spy.mock.results.map((result) => result.value as boolean);
  };

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 6, latencyMs: { min: 1, max: 5 } });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await sim.close();
  });

  async function stored(app: TestApp, companyId: number, date: string): Promise<void> {
    await rawGet(app.url + path(companyId, date), ADMIN_HEADERS);
    await app.app.get(ScheduleRefreshService).drain();
  }

  it('should answer a hit held in memory with the same status, headers and bytes as the route', async () => {
    const shared = { QUEUE_PREFIX: uniqueContainer(), BLOB_CONTAINER: uniqueContainer() };
    const [a, b] = [await start(shared), await start(shared)];
    const date = '2026-04-01';
    const companyId = sim.companyIds()[0];
    await stored(a, companyId, date);
    const office = bearer(await testToken({ role: 'office', serviceCompanyId: companyId }));
    const url = b.url + path(companyId, date);
    const calls = answeredBy(b);

    // On b: from storage through the route, then from memory through the lane.
    const viaRoute = await rawGet(url, office);
    const viaLane = await rawGet(url, { ...office, 'x-request-id': 'lane-test-1' });
    const conditional = { ...office, 'if-none-match': String(viaRoute.headers.etag) };
    const notModifiedViaLane = await rawGet(url, conditional);

    expect(calls()).toEqual([false, true, true]);
    expect([viaRoute.status, viaLane.status]).toEqual([200, 200]);
    expect(viaLane.headers['x-cache']).toBe('HIT');
    expect(stableHeaders(viaLane)).toEqual(stableHeaders(viaRoute));
    expect(viaLane.body.equals(viaRoute.body)).toBe(true);
    expect(viaLane.headers['x-request-id']).toBe('lane-test-1');
    expect(viaRoute.headers['x-request-id']).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    expect([notModifiedViaLane.status, notModifiedViaLane.body.length]).toEqual([304, 0]);
    expect(notModifiedViaLane.headers.etag).toBe(viaRoute.headers.etag);
  });

  it('should answer a compressed coding once the route has compressed it, with the same headers', async () => {
    const app = await start({ BLOB_CONTAINER: uniqueContainer() });
    const date = '2026-04-02';
    const [companyId] = [...sim.companyIds()].sort(
      (x, y) => sim.jobsFor(date, y).length - sim.jobsFor(date, x).length,
    );
    await stored(app, companyId, date);
    const url = app.url + path(companyId, date);
    const br = { ...ADMIN_HEADERS, 'accept-encoding': 'br' };
    const calls = answeredBy(app);

    const viaRoute = await rawGet(url, br);
    const viaLane = await rawGet(url, br);

    expect(calls()).toEqual([false, true]);
    expect(viaRoute.headers['content-encoding']).toBe('br');
    expect(stableHeaders(viaLane)).toEqual(stableHeaders(viaRoute));
    expect(viaLane.body.equals(viaRoute.body)).toBe(true);
  });

  it("should count hits against the client's budget and refuse over it as the route does", async () => {
    const app = await start({ BLOB_CONTAINER: uniqueContainer(), RATE_LIMIT_PER_MINUTE: '3' });
    const date = '2026-04-03';
    const [companyId, other] = sim.companyIds();
    const url = app.url + path(companyId, date);
    const calls = answeredBy(app);

    // A miss, a read from storage into memory, then a hit from memory: the budget of 3.
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await rawGet(url, ADMIN_HEADERS)).status);
      await app.app.get(ScheduleRefreshService).drain();
    }
    const refusedByLane = await rawGet(url, ADMIN_HEADERS);
    const refusedByRoute = await rawGet(app.url + path(other, date), ADMIN_HEADERS);

    expect(statuses).toEqual([200, 200, 200]);
    expect(calls()).toEqual([false, false, true, true, false]);
    expect([refusedByLane.status, refusedByRoute.status]).toEqual([429, 429]);
    expect(stableHeaders(refusedByLane)).toEqual(stableHeaders(refusedByRoute));
    expect(JSON.parse(refusedByLane.body.toString())).toEqual(
      JSON.parse(refusedByRoute.body.toString()),
    );
  });
});
