import { createUpstreamSim, type SimJob, type UpstreamSim } from './upstream-sim';

const DATE = '2026-11-23';
const OTHER_DATE = '2026-11-24';
const FAST = { latencyMs: { min: 0, max: 5 } };
const MONEY_KEYS = '(?:BillRate|AddOnRate|RoomRate|Amount)';

interface Envelope {
  Result: SimJob[] | null;
  Message: string;
  IsSuccess: boolean;
}

function scheduleUrl(sim: UpstreamSim, date: string, extra = ''): string {
  return `${sim.url}/api/dr-schedule?startDate=${date}&endDate=${date}${extra}`;
}

async function getEnvelope(url: string, init?: RequestInit): Promise<Envelope> {
  const res = await fetch(url, init);
  return (await res.json()) as Envelope;
}

async function postControl(sim: UpstreamSim, name: string, body?: unknown): Promise<Response> {
  return fetch(`${sim.url}/__sim/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function companiesIn(jobs: SimJob[]): Set<unknown> {
  return new Set(jobs.map((job) => job.ServiceCompanyId));
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A company that has jobs on `date` (an ordinary one if possible). */
function companyWithJobs(sim: UpstreamSim, date: string): number {
  const withJobs = sim.companyIds().filter((id) => sim.jobsFor(date, id).length > 0);
  return withJobs.find((id) => !sim.bigCompanyIds().includes(id)) ?? withJobs[0];
}

describe('createUpstreamSim', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim(FAST);
  });

  afterEach(() => {
    sim.reset();
  });

  afterAll(async () => {
    await sim.close();
  });

  it('should answer the jobs of all companies for a date in the .NET envelope', async () => {
    const res = await fetch(scheduleUrl(sim, DATE));
    const text = await res.text();
    const body = JSON.parse(text) as Envelope;

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body.IsSuccess).toBe(true);
    expect(body.Result).toEqual(sim.jobsFor(DATE));
    expect(body.Message).toBe(`Successfully retrieved ${sim.jobsFor(DATE).length} jobs`);
    expect(companiesIn(body.Result ?? []).size).toBeGreaterThan(5);
    expect(text).toBe(sim.responseBody(DATE));
    for (const job of body.Result ?? []) {
      expect(sim.companyIds()).toContain(job.ServiceCompanyId);
      expect(job.JobDate).toBe(`${DATE}T00:00:00`);
      expect(String(job.ScheduledStartTime).startsWith(`${DATE}T`)).toBe(true);
    }
  });

  it('should write compact JSON with non-ASCII names', () => {
    const text = sim.responseBody(DATE);

    // Checked as booleans so that a failure does not print megabytes of JSON.
    expect(text.startsWith('{"Result":[{"')).toBe(true);
    expect(/\n|": |, "/.test(text)).toBe(false);
    expect(/Zoë|José|Łukasz|Müller/.test(text)).toBe(true);
  });

  it('should narrow the answer to one company with serviceCompanyId', async () => {
    const companyId = companyWithJobs(sim, DATE);

    const body = await getEnvelope(scheduleUrl(sim, DATE, `&serviceCompanyId=${companyId}`));

    expect(body.Result?.length).toBeGreaterThan(0);
    expect(companiesIn(body.Result ?? [])).toEqual(new Set([companyId]));
    expect(body.Result).toEqual(sim.jobsFor(DATE, companyId));
  });

  it('should answer 400 with a failure envelope for missing or different dates', async () => {
    const urls = [
      `${sim.url}/api/dr-schedule`,
      `${sim.url}/api/dr-schedule?startDate=${DATE}`,
      `${sim.url}/api/dr-schedule?startDate=${DATE}&endDate=${OTHER_DATE}`,
      `${sim.url}/api/dr-schedule?startDate=2026-02-30&endDate=2026-02-30`,
      scheduleUrl(sim, DATE, '&serviceCompanyId=abc'),
    ];

    for (const url of urls) {
      const res = await fetch(url);
      const body = (await res.json()) as Envelope;
      expect(res.status).toBe(400);
      expect(body).toEqual({ Result: null, Message: expect.any(String), IsSuccess: false });
    }
  });

  it('should generate the same data for the same seed, and other data for another seed', async () => {
    const twin = await createUpstreamSim({ ...FAST, seed: 1 });
    const other = await createUpstreamSim({ ...FAST, seed: 2 });
    try {
      expect(twin.companyIds()).toEqual(sim.companyIds());
      expect(await (await fetch(scheduleUrl(twin, DATE))).text()).toBe(sim.responseBody(DATE));
      expect(twin.users()).toEqual(sim.users());
      expect(other.companyIds()).not.toEqual(sim.companyIds());
    } finally {
      await twin.close();
      await other.close();
    }
  });

  it('should spread company ids instead of numbering them 1..N', () => {
    const ids = sim.companyIds();

    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(ids).not.toEqual(ids.map((_, i) => i + 1));
  });

  it('should have big companies with about 300 jobs and 300 KB a day', () => {
    const big = sim.bigCompanyIds();

    expect(big.length).toBeGreaterThanOrEqual(1);
    for (const id of big) {
      expect(sim.jobsFor(DATE, id).length).toBeGreaterThanOrEqual(250);
      expect(Buffer.byteLength(sim.responseBody(DATE, id))).toBeGreaterThan(250 * 1024);
    }
  });

  it('should leave a company without jobs out of Result on some dates', async () => {
    const dates = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
    const date = dates.find((day) => companiesIn(sim.jobsFor(day)).size < 20);
    expect(date).toBeDefined();

    const body = await getEnvelope(scheduleUrl(sim, date ?? DATE));
    const absent = sim.companyIds().filter((id) => !companiesIn(body.Result ?? []).has(id));
    const filtered = await getEnvelope(
      scheduleUrl(sim, date ?? DATE, `&serviceCompanyId=${absent[0]}`),
    );

    expect(absent.length).toBeGreaterThan(0);
    expect(filtered).toEqual({
      Result: [],
      Message: 'Successfully retrieved 0 jobs',
      IsSuccess: true,
    });
  });

  it('should write money fields as decimal literals with a fractional part', () => {
    const text = sim.responseBody(DATE);

    expect(/"BillRate":\d+\.0[,}]/.test(text)).toBe(true);
    expect(/"Amount":\d+\.\d0[,}]/.test(text)).toBe(true);
    expect(new RegExp(`"${MONEY_KEYS}":\\d+[,}]`).test(text)).toBe(false);
    expect(new RegExp(`"${MONEY_KEYS}":\\d+\\.\\d+[,}]`).test(text)).toBe(true);
  });

  it('should vary key order and sometimes omit null fields', () => {
    const jobs = sim.jobsFor(DATE);
    const keyOrders = new Set(jobs.map((job) => Object.keys(job).join(',')));

    expect(keyOrders.size).toBeGreaterThan(1);
    expect(jobs.some((job) => !('InternalMemo' in job))).toBe(true);
    expect(jobs.some((job) => job.InternalMemo === null)).toBe(true);
  });

  it('should keep technicians stable across dates and list them as users', async () => {
    const users = (await getEnvelope(`${sim.url}/api/dr-schedule/users`)).Result ?? [];
    const technicianIds = (date: string): Set<unknown> =>
      new Set(
        sim
          .jobsFor(date)
          .flatMap((job) => job.EmployeeSchedules as { EmployeeInformationId: number }[])
          .map((schedule) => schedule.EmployeeInformationId),
      );
    const today = technicianIds(DATE);
    const tomorrow = technicianIds(OTHER_DATE);
    const userByEmployee = new Map(users.map((user) => [user.EmployeeInformationId, user]));

    expect([...today].some((id) => tomorrow.has(id))).toBe(true);
    for (const id of today) {
      expect(userByEmployee.get(id)?.Role).toBe('Technician');
    }
    expect(new Set(users.map((user) => user.Role))).toEqual(
      new Set(['Admin', 'Office', 'Technician']),
    );
    expect(users).toEqual(sim.users());
  });

  describe('faults', () => {
    it('should answer 500 in http-500 mode', async () => {
      sim.setFault('http-500');

      const res = await fetch(scheduleUrl(sim, DATE));

      expect(res.status).toBe(500);
      expect(((await res.json()) as Envelope).IsSuccess).toBe(false);
    });

    it('should answer a truncated JSON body in invalid-json mode', async () => {
      sim.setFault('invalid-json');

      const res = await fetch(scheduleUrl(sim, DATE));
      const text = await res.text();

      expect(res.status).toBe(200);
      expect(text.startsWith('{"Result":[')).toBe(true);
      expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    });

    it('should answer IsSuccess false in not-success mode', async () => {
      sim.setFault('not-success');

      const res = await fetch(scheduleUrl(sim, DATE));

      expect(res.status).toBe(200);
      expect(await res.text()).toBe(
        '{"Result":null,"Message":"Database timeout","IsSuccess":false}',
      );
    });

    it.each([
      ['bad-company-id', '../1'],
      ['fractional-company-id', 1.5],
      ['string-company-id', '12'],
    ] as const)('should slip one job in %s mode with ServiceCompanyId %j', async (mode, id) => {
      sim.setFault(mode);

      const body = await getEnvelope(scheduleUrl(sim, DATE));
      const bad = (body.Result ?? []).filter((job) => job.ServiceCompanyId === id);

      expect(body.IsSuccess).toBe(true);
      expect(bad).toHaveLength(1);
      expect(body.Result).toHaveLength(sim.jobsFor(DATE).length);
    });

    it('should answer a Result that is an object in result-not-array mode', async () => {
      sim.setFault('result-not-array');

      const body = (await (await fetch(scheduleUrl(sim, DATE))).json()) as Record<string, unknown>;

      expect(body.IsSuccess).toBe(true);
      expect(body.Result).toEqual({ Jobs: [] });
    });

    it('should stream a body of at least 50 MB without Content-Length in huge mode', async () => {
      sim.setFault('huge');

      const res = await fetch(scheduleUrl(sim, DATE));
      const text = await res.text();

      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBeNull();
      expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(50 * 1024 * 1024);
      expect(text.startsWith('{"Result":[')).toBe(true);
      expect(text.endsWith('"IsSuccess":true}')).toBe(true);
    });

    it('should keep serving after a client gives up on a huge body', async () => {
      sim.setFault('huge', { times: 1 });
      const controller = new AbortController();
      const res = await fetch(scheduleUrl(sim, DATE), { signal: controller.signal });
      await res.body?.getReader().read();
      controller.abort();

      const next = await fetch(scheduleUrl(sim, DATE));

      expect(next.status).toBe(200);
      expect(((await next.json()) as Envelope).IsSuccess).toBe(true);
    });

    it('should apply a fault to the next `times` calls only', async () => {
      sim.setFault('http-500', { times: 2 });

      const statuses = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await fetch(scheduleUrl(sim, DATE))).status);
      }

      expect(statuses).toEqual([500, 500, 200]);
    });

    it('should keep a fault without `times` until it is changed', async () => {
      sim.setFault('not-success');
      const during = [
        await getEnvelope(scheduleUrl(sim, DATE)),
        await getEnvelope(scheduleUrl(sim, DATE)),
      ];
      sim.setFault('none');

      const after = await getEnvelope(scheduleUrl(sim, DATE));

      expect(during.map((body) => body.IsSuccess)).toEqual([false, false]);
      expect(after.IsSuccess).toBe(true);
    });

    it('should never answer in timeout mode, and still close', async () => {
      const held = await createUpstreamSim(FAST);
      held.setFault('timeout');

      await expect(
        fetch(scheduleUrl(held, DATE), { signal: AbortSignal.timeout(300) }),
      ).rejects.toMatchObject({ name: 'TimeoutError' });
      const stillHeld = fetch(scheduleUrl(held, DATE)).then(
        () => 'answered',
        () => 'dropped',
      );
      await until(() => held.calls(DATE) === 2);
      await expect(held.close()).resolves.toBeUndefined();
      expect(await stillHeld).toBe('dropped');
      expect(held.calls(DATE)).toBe(2);
    });
  });

  it('should count calls per date, faulted and rejected ones included', async () => {
    sim.setFault('http-500', { times: 1 });

    await fetch(scheduleUrl(sim, DATE));
    await fetch(scheduleUrl(sim, DATE));
    await fetch(scheduleUrl(sim, OTHER_DATE));
    await fetch(`${sim.url}/api/dr-schedule/users`);
    await fetch(`${sim.url}/api/dr-schedule`);

    expect(sim.calls(DATE)).toBe(2);
    expect(sim.calls(OTHER_DATE)).toBe(1);
    expect(sim.calls('2026-01-01')).toBe(0);
    expect(sim.calls()).toBe(4);
  });

  it('should drop the jobs of a company cancelled with cancelJobs until reset', async () => {
    const companyId = companyWithJobs(sim, DATE);
    const before = sim.jobsFor(DATE).length;
    const own = sim.jobsFor(DATE, companyId).length;

    sim.cancelJobs(companyId, DATE);
    const all = await getEnvelope(scheduleUrl(sim, DATE));
    const filtered = await getEnvelope(scheduleUrl(sim, DATE, `&serviceCompanyId=${companyId}`));

    expect(companiesIn(all.Result ?? []).has(companyId)).toBe(false);
    expect(all.Result).toHaveLength(before - own);
    expect(filtered.Result).toEqual([]);
    expect(sim.jobsFor(OTHER_DATE, companyId)).toEqual(
      (await getEnvelope(scheduleUrl(sim, OTHER_DATE, `&serviceCompanyId=${companyId}`))).Result,
    );
    sim.reset();
    expect(sim.jobsFor(DATE, companyId)).toHaveLength(own);
  });

  it('should answer a whole date the same from cache, and anew after a cancel or reset', async () => {
    const companyId = companyWithJobs(sim, DATE);
    const text = async (): Promise<string> => (await fetch(scheduleUrl(sim, DATE))).text();

    const first = await text();
    expect(await text()).toBe(first);
    expect(first).toBe(sim.responseBody(DATE));

    sim.cancelJobs(companyId, DATE);
    const cancelled = await text();
    expect(cancelled).toBe(sim.responseBody(DATE));
    expect(cancelled).not.toBe(first);

    sim.reset();
    expect(await text()).toBe(first);
  });

  it('should reject invalid arguments with RangeError', async () => {
    expect(() => sim.cancelJobs(-1, DATE)).toThrow(RangeError);
    expect(() => sim.cancelJobs(sim.companyIds()[0], '23/11/2026')).toThrow(RangeError);
    expect(() => sim.setFault('http-500', { times: 0 })).toThrow(RangeError);
    expect(() => sim.setLatency(10, 5)).toThrow(RangeError);
    await expect(createUpstreamSim({ companies: 0 })).rejects.toThrow(RangeError);
  });

  describe('with a token', () => {
    let secured: UpstreamSim;

    beforeAll(async () => {
      secured = await createUpstreamSim({ ...FAST, token: 's3cret' });
    });

    afterAll(async () => {
      await secured.close();
    });

    it('should answer 401 JSON without the right bearer token', async () => {
      const urls = [scheduleUrl(secured, DATE), `${secured.url}/api/dr-schedule/users`];
      for (const url of urls) {
        for (const headers of [{}, { Authorization: 'Bearer wrong' }]) {
          const res = await fetch(url, { headers });
          expect(res.status).toBe(401);
          expect(((await res.json()) as Envelope).IsSuccess).toBe(false);
        }
      }
    });

    it('should answer with the right bearer token, and control endpoints without one', async () => {
      const res = await fetch(scheduleUrl(secured, DATE), {
        headers: { Authorization: 'Bearer s3cret' },
      });
      const calls = await fetch(`${secured.url}/__sim/calls`);

      expect(res.status).toBe(200);
      expect(calls.status).toBe(200);
    });
  });

  describe('control endpoints', () => {
    it('should report calls as totals and per date', async () => {
      await fetch(scheduleUrl(sim, DATE));
      await fetch(scheduleUrl(sim, DATE));

      const res = await fetch(`${sim.url}/__sim/calls`);

      expect(await res.json()).toEqual({ total: 2, byDate: { [DATE]: 2 } });
    });

    it('should report the simulated latency of each call per date, until reset', async () => {
      sim.setLatency(7, 7);
      await fetch(scheduleUrl(sim, DATE));
      await fetch(scheduleUrl(sim, OTHER_DATE));

      const res = await fetch(`${sim.url}/__sim/delays`);

      expect(await res.json()).toEqual({ byDate: { [DATE]: [7], [OTHER_DATE]: [7] } });
      sim.reset();
      expect(sim.delays()).toEqual({});
    });

    it('should set a fault with times', async () => {
      const res = await postControl(sim, 'fault', { mode: 'http-500', times: 1 });

      expect(res.status).toBe(200);
      expect((await fetch(scheduleUrl(sim, DATE))).status).toBe(500);
      expect((await fetch(scheduleUrl(sim, DATE))).status).toBe(200);
    });

    it('should cancel a company, set latency and reset', async () => {
      const companyId = companyWithJobs(sim, DATE);

      const cancel = await postControl(sim, 'cancel', { companyId, date: DATE });
      const latency = await postControl(sim, 'latency', { minMs: 1, maxMs: 2 });
      const cancelled = sim.jobsFor(DATE, companyId);
      await fetch(scheduleUrl(sim, DATE));
      const reset = await postControl(sim, 'reset');

      expect([cancel.status, latency.status, reset.status]).toEqual([200, 200, 200]);
      expect(cancelled).toEqual([]);
      expect(sim.jobsFor(DATE, companyId).length).toBeGreaterThan(0);
      expect(sim.calls()).toBe(0);
    });

    it('should list company ids', async () => {
      const res = await fetch(`${sim.url}/__sim/companies`);

      expect(await res.json()).toEqual({
        companyIds: sim.companyIds(),
        bigCompanyIds: sim.bigCompanyIds(),
      });
    });

    it('should answer 400 to invalid bodies and 404 to unknown endpoints', async () => {
      const bad = [
        await postControl(sim, 'fault', { mode: 'explode' }),
        await postControl(sim, 'fault', { mode: 'timeout', times: -1 }),
        await postControl(sim, 'latency', { minMs: 5 }),
        await postControl(sim, 'cancel', { companyId: 999999, date: DATE }),
        await fetch(`${sim.url}/__sim/fault`, { method: 'POST', body: '{nope' }),
      ];
      const missing = await fetch(`${sim.url}/__sim/nothing`);

      expect(bad.map((res) => res.status)).toEqual([400, 400, 400, 400, 400]);
      expect(missing.status).toBe(404);
      expect(await (await fetch(scheduleUrl(sim, DATE))).json()).toMatchObject({ IsSuccess: true });
    });
  });
});
