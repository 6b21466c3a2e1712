import { AuthMessages } from '../src/auth/auth.errors';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { startServiceProcess, serviceEnv } from './support/service-process';
import {
  ADMIN_TOKEN,
  blobEtags,
  getBytes,
  startTestApp,
  TEST_JWT_SECRET,
  TestApp,
} from './support/test-app';
import { ADMIN_HEADERS, bearer, testToken } from './support/tokens';

const DATE = '2025-12-03';
const OTHER_DATE = '2025-12-04';
const schedulePath = (date: string, companyId?: number) =>
  `/api/dr-schedule?startDate=${date}&endDate=${date}` +
  (companyId === undefined ? '' : `&serviceCompanyId=${companyId}`);

function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'x', exp, ...claims })}.`;
}

describe('Authentication and tenant isolation', () => {
  let sim: UpstreamSim;
  let stack: TestApp;
  let company: number;
  let otherCompany: number;
  let employee: number;
  const tokens: Record<'admin' | 'office' | 'technician' | 'otherOffice', string> = {
    admin: '',
    office: '',
    technician: '',
    otherOffice: '',
  };

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 6, latencyMs: { min: 5, max: 10 } });
    [company, otherCompany] = sim.companyIds().filter((id) => sim.jobsFor(DATE, id).length > 0);
    const schedules = sim
      .jobsFor(DATE, company)
      .flatMap((job) => job.EmployeeSchedules as { EmployeeInformationId: number | null }[]);
    employee = schedules.find((s) => s.EmployeeInformationId !== null)!.EmployeeInformationId!;
    tokens.admin = await testToken({ role: 'admin' });
    tokens.office = await testToken({ role: 'office', serviceCompanyId: company });
    tokens.otherOffice = await testToken({ role: 'office', serviceCompanyId: otherCompany });
    tokens.technician = await testToken({
      role: 'technician',
      serviceCompanyId: company,
      employeeInformationId: employee,
    });
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });
  });

  afterAll(async () => {
    await stack?.close();
    await sim.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    getBytes(stack.url + path, headers);
  const json = (answer: { body: Buffer }) => JSON.parse(answer.body.toString()) as unknown;

  describe('refusals', () => {
    it.each<[string, () => Promise<Record<string, string>>, string, string]>([
      ['no token', () => Promise.resolve({}), AuthMessages.missing, 'Bearer realm='],
      [
        'an empty header',
        () => Promise.resolve({ authorization: ' ' }),
        AuthMessages.missing,
        'Bearer',
      ],
      [
        'a Basic credential',
        () =>
          Promise.resolve({
            authorization: `Basic ${Buffer.from(`a:${ADMIN_TOKEN}`).toString('base64')}`,
          }),
        AuthMessages.notBearer,
        'Bearer',
      ],
      [
        'a token signed with another secret',
        async () =>
          bearer(await testToken({ role: 'admin' }, { secret: `${TEST_JWT_SECRET}-forged` })),
        AuthMessages.invalid,
        'Bearer',
      ],
      [
        'an expired token',
        async () => bearer(await testToken({ role: 'admin' }, { ttlSeconds: -120 })),
        AuthMessages.expired,
        'Bearer',
      ],
      [
        'alg: none',
        () => Promise.resolve(bearer(unsignedToken({ role: 'admin' }))),
        AuthMessages.invalid,
        'Bearer',
      ],
      [
        'garbage',
        () => Promise.resolve(bearer('garbage.garbage.garbage')),
        AuthMessages.invalid,
        'Bearer',
      ],
    ])('should answer %s with 401 JSON and call nobody', async (_, headers, message, challenge) => {
      const sent = await headers();
      const callsBefore = sim.calls();

      const answer = await get(schedulePath(DATE, company), sent);

      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('www-authenticate')).toMatch(new RegExp(`^${challenge}`));
      expect(json(answer)).toEqual({ message });
      const token = sent.authorization?.split(' ')[1];
      if (token) {
        expect(answer.body.toString()).not.toContain(token);
      }
      expect(sim.calls()).toBe(callsBefore);
    });

    it('should refuse bad claims with 401', async () => {
      const token = await testToken({ role: 'office' } as never);

      const answer = await get(schedulePath(DATE), bearer(token));

      expect(answer.status).toBe(401);
      expect(json(answer)).toEqual({
        message: 'Invalid token: claim serviceCompanyId missing or invalid',
      });
    });
  });

  describe('schedule reads per role', () => {
    it('should serve an office its own company, with or without serviceCompanyId, as an admin sees it', async () => {
      const admin = await get(schedulePath(DATE, company), bearer(tokens.admin));
      const named = await get(schedulePath(DATE, company), bearer(tokens.office));
      const implied = await get(schedulePath(DATE), bearer(tokens.office));
      const staticAdmin = await get(schedulePath(DATE, company), ADMIN_HEADERS);

      expect([admin.status, named.status, implied.status, staticAdmin.status]).toEqual([
        200, 200, 200, 200,
      ]);
      expect(JSON.parse(admin.body.toString())).toMatchObject({ IsSuccess: true });
      expect(named.body.equals(admin.body)).toBe(true);
      expect(implied.body.equals(admin.body)).toBe(true);
      expect(staticAdmin.body.equals(admin.body)).toBe(true);
    });

    it('should serve a technician its own company', async () => {
      const implied = await get(schedulePath(DATE), bearer(tokens.technician));
      const named = await get(schedulePath(DATE, company), bearer(tokens.technician));

      expect([implied.status, named.status]).toEqual([200, 200]);
      const jobs = (json(implied) as { Result: { ServiceCompanyId: number }[] }).Result;
      expect(jobs.length).toBeGreaterThan(0);
      expect(jobs.every((job) => job.ServiceCompanyId === company)).toBe(true);
    });

    it.each(['office', 'technician'] as const)(
      'should refuse a %s another company with 403, before any upstream call or blob',
      async (role) => {
        const answer = await get(schedulePath(OTHER_DATE, otherCompany), bearer(tokens[role]));

        expect(answer.status).toBe(403);
        expect(json(answer)).toEqual({ message: AuthMessages.otherCompany });
        expect(sim.calls(OTHER_DATE)).toBe(0);
        const blobs = [...(await blobEtags(stack.config.blob)).keys()];
        expect(blobs.filter((name) => name.includes(OTHER_DATE))).toEqual([]);
      },
    );

    it('should give the same 403 for a company without any data', async () => {
      const answer = await get(schedulePath(OTHER_DATE, 2_000_000), bearer(tokens.office));

      expect(answer.status).toBe(403);
      expect(json(answer)).toEqual({ message: AuthMessages.otherCompany });
    });

    it('should still require serviceCompanyId from an admin', async () => {
      const answer = await get(schedulePath(DATE), bearer(tokens.admin));

      expect(answer.status).toBe(400);
      expect(json(answer)).toEqual({ message: 'serviceCompanyId is required' });
    });
  });

  describe('admin routes', () => {
    it.each(['office', 'technician'] as const)(
      'should refuse a %s token on the admin API with 403',
      async (role) => {
        for (const path of ['/api/admin/jobs', '/api/dr-schedule/users']) {
          const answer = await get(path, bearer(tokens[role]));
          expect([path, answer.status, json(answer)]).toEqual([
            path,
            403,
            { message: AuthMessages.adminRequired },
          ]);
        }
      },
    );

    it('should serve the admin API to an admin JWT', async () => {
      const jobs = await get('/api/admin/jobs', bearer(tokens.admin));
      const users = await get('/api/dr-schedule/users', bearer(tokens.admin));

      expect(jobs.status).toBe(200);
      expect(Array.isArray(json(jobs))).toBe(true);
      expect(users.status).toBe(200);
    });

    it('should serve the queue UI to an admin JWT only', async () => {
      const admin = await get('/admin/queues', bearer(tokens.admin));
      const office = await get('/admin/queues', bearer(tokens.office));
      const anonymous = await get('/admin/queues');

      expect(admin.status).toBe(200);
      expect(admin.body.toString()).toContain('<html');
      expect(office.status).toBe(403);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(json(anonymous)).toEqual({
        message: 'Authentication required: log in with the admin token as the password',
      });
    });
  });

  it.each(['/health/live', '/metrics', '/docs-json'])(
    'should serve %s without a token',
    async (path) => {
      expect((await get(path)).status).toBe(200);
    },
  );
});

describe('AUTH_DISABLED=true', () => {
  it('should serve every route without a token', async () => {
    const sim = await createUpstreamSim({ companies: 3, latencyMs: { min: 5, max: 10 } });
    const stack = await startTestApp({
      UPSTREAM_BASE_URL: sim.url,
      AUTH_DISABLED: 'true',
      AUTH_JWT_SECRET: '',
    });
    try {
      const company = sim.companyIds()[0];
      const schedule = await getBytes(`${stack.url}${schedulePath(DATE, company)}`);
      const jobs = await getBytes(`${stack.url}/api/admin/jobs`);
      const board = await getBytes(`${stack.url}/admin/queues`);

      expect([schedule.status, jobs.status, board.status]).toEqual([200, 200, 200]);
    } finally {
      await stack.close();
      await sim.close();
    }
  });

  it('should log a warning at boot', async () => {
    const service = await startServiceProcess(
      serviceEnv({
        UPSTREAM_BASE_URL: 'http://127.0.0.1:9',
        AUTH_DISABLED: 'true',
        AUTH_JWT_SECRET: '',
      }),
    );
    try {
      const warning = service
        .output()
        .split('\n')
        .filter((line) => line.includes('AUTH_DISABLED=true'))
        .map((line) => JSON.parse(line) as { level: number });
      expect(warning).toEqual([expect.objectContaining({ level: 40 })]);
    } finally {
      await service.kill();
    }
  });
});
