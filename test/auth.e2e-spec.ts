import { AuthMessages } from '../src/auth/auth.errors';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { startServiceProcess, serviceEnv } from './support/service-process';
import { request } from './support/http';
import { getSchedule, jobsOf } from './support/schedule-api';
import {
  ADMIN_TOKEN,
  blobNames,
  startTestApp,
  TEST_JWT_SECRET,
  TestApp,
  withTestApp,
} from './support/test-app';
import { bearer, testToken } from './support/tokens';
import { companiesWithJobs } from './support/sim-schedules';

const DATE = '2025-12-03';
const OTHER_DATE = '2025-12-04';

type Job = { JobInformationId: number; ServiceCompanyId: number } & {
  EmployeeSchedules: { EmployeeInformationId: number | null }[] | null;
};

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
    [company, otherCompany] = companiesWithJobs(sim, DATE);
    const schedules = (sim.jobsFor(DATE, company) as Job[]).flatMap(
      (job) => job.EmployeeSchedules ?? [],
    );
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

  /** GET /api/dr-schedule of `date` (and `companyId`) as the caller `token` says. */
  const schedule = (token: string | undefined, date: string, companyId?: number) =>
    getSchedule(stack.url, { date, companyId }, { token });

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

      const answer = await getSchedule(
        stack.url,
        { date: DATE, companyId: company },
        { headers: sent },
      );

      expect(answer.status).toBe(401);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.headers['www-authenticate']).toMatch(new RegExp(`^${challenge}`));
      expect(answer.json()).toEqual({ message });
      const token = sent.authorization?.split(' ')[1];
      if (token) {
        expect(answer.text()).not.toContain(token);
      }
      expect(sim.calls()).toBe(callsBefore);
    });

    it('should refuse bad claims with 401', async () => {
      const token = await testToken({ role: 'office' } as never);

      const answer = await schedule(token, DATE);

      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({
        message: 'Invalid token: claim serviceCompanyId missing or invalid',
      });
    });
  });

  describe('GET /api/dr-schedule per role', () => {
    it('should serve an office its own company, with or without serviceCompanyId, as an admin sees it', async () => {
      const admin = await schedule(tokens.admin, DATE, company);
      const named = await schedule(tokens.office, DATE, company);
      const implied = await schedule(tokens.office, DATE);
      const staticAdmin = await schedule(ADMIN_TOKEN, DATE, company);

      expect([admin.status, named.status, implied.status, staticAdmin.status]).toEqual([
        200, 200, 200, 200,
      ]);
      expect(jobsOf(admin)).toEqual(sim.jobsFor(DATE, company));
      expect(named.body.equals(admin.body)).toBe(true);
      expect(implied.body.equals(admin.body)).toBe(true);
      expect(staticAdmin.body.equals(admin.body)).toBe(true);
    });

    it('should serve a technician the jobs of its own company it is assigned to', async () => {
      const implied = await schedule(tokens.technician, DATE);
      const named = await schedule(tokens.technician, DATE, company);

      expect([implied.status, named.status]).toEqual([200, 200]);
      const assigned = (sim.jobsFor(DATE, company) as Job[]).filter((job) =>
        (job.EmployeeSchedules ?? []).some((s) => s.EmployeeInformationId === employee),
      );
      const seen = jobsOf<Job>(implied);
      expect(seen.map((job) => job.JobInformationId)).toEqual(
        assigned.map((job) => job.JobInformationId),
      );
      expect(seen.map((job) => job.ServiceCompanyId)).toEqual(assigned.map(() => company));
      expect(named.body.equals(implied.body)).toBe(true);
    });

    it.each(['office', 'technician'] as const)(
      'should refuse a %s another company with 403, before any upstream call or blob',
      async (role) => {
        const answer = await schedule(tokens[role], OTHER_DATE, otherCompany);

        expect(answer.status).toBe(403);
        expect(answer.json()).toEqual({ message: AuthMessages.otherCompany });
        expect(sim.calls(OTHER_DATE)).toBe(0);
        const blobs = await blobNames(stack.config.blob);
        expect(blobs.filter((name) => name.includes(OTHER_DATE))).toEqual([]);
      },
    );

    it('should give the same 403 for a company without any data', async () => {
      const answer = await schedule(tokens.office, OTHER_DATE, 2_000_000);

      expect(answer.status).toBe(403);
      expect(answer.json()).toEqual({ message: AuthMessages.otherCompany });
    });

    it('should still require serviceCompanyId from an admin', async () => {
      const answer = await schedule(tokens.admin, DATE);

      expect(answer.status).toBe(400);
      expect(answer.json()).toEqual({ message: 'serviceCompanyId is required' });
    });
  });

  describe('admin routes', () => {
    it.each(['office', 'technician'] as const)(
      'should refuse a %s token on the admin API with 403',
      async (role) => {
        for (const path of ['/api/admin/jobs', '/api/dr-schedule/users']) {
          const answer = await request(stack.url + path, { token: tokens[role] });
          expect([path, answer.status, answer.json()]).toEqual([
            path,
            403,
            { message: AuthMessages.adminRequired },
          ]);
        }
      },
    );

    it('should serve the admin API to an admin JWT', async () => {
      const jobs = await request(`${stack.url}/api/admin/jobs`, { token: tokens.admin });
      const users = await request(`${stack.url}/api/dr-schedule/users`, { token: tokens.admin });

      expect([jobs.status, jobs.json()]).toEqual([200, []]);
      expect(users.status).toBe(200);
      expect(users.json<{ Result: unknown }>().Result).toEqual(sim.users());
    });

    it('should serve the queue UI to an admin JWT only', async () => {
      const admin = await request(`${stack.url}/admin/queues`, { token: tokens.admin });
      const office = await request(`${stack.url}/admin/queues`, { token: tokens.office });
      const anonymous = await request(`${stack.url}/admin/queues`);

      expect(admin.status).toBe(200);
      expect(admin.text()).toContain('<html');
      expect(office.status).toBe(403);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
      expect(anonymous.json()).toEqual({
        message: 'Authentication required: log in with the admin token as the password',
      });
    });
  });

  it.each(['/health/live', '/metrics', '/docs-json'])(
    'should serve %s without a token',
    async (path) => {
      expect((await request(stack.url + path)).status).toBe(200);
    },
  );
});

describe('AUTH_DISABLED=true', () => {
  it('should serve every route without a token', async () => {
    const sim = await createUpstreamSim({ companies: 3, latencyMs: { min: 5, max: 10 } });
    const env = { UPSTREAM_BASE_URL: sim.url, AUTH_DISABLED: 'true', AUTH_JWT_SECRET: '' };
    try {
      const company = sim.companyIds()[0];

      const statuses = await withTestApp(env, async ({ url }) => [
        (await getSchedule(url, { date: DATE, companyId: company })).status,
        (await request(`${url}/api/admin/jobs`)).status,
        (await request(`${url}/admin/queues`)).status,
      ]);

      expect(statuses).toEqual([200, 200, 200]);
    } finally {
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
