import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { HttpAnswer, HttpRequest, request } from './support/http';
import { scheduleUrl } from './support/schedule-api';
import { ServiceProcess, serviceEnv, startServiceProcess } from './support/service-process';
import { testToken } from './support/tokens';
import { waitFor } from './support/wait';

const ROOT = join(__dirname, '..');
const MISS_DATE = '2026-06-01';
const FAILED_DATE = '2026-06-02';
const PREGEN_DATE = '2026-06-03';

describe('Secrets', () => {
  const upstreamToken = `secret-upstream-${randomBytes(8).toString('hex')}`;
  const adminToken = `secret-admin-${randomBytes(8).toString('hex')}`;
  const connectionString = process.env.TEST_AZURE_STORAGE_CONNECTION_STRING ?? '';
  const accountKey = /AccountKey=([^;]+)/.exec(connectionString)?.[1] ?? '';
  const jwtSecret = `secret-jwt-${randomBytes(16).toString('hex')}`;
  const secrets: Record<string, string> = { upstreamToken, adminToken, accountKey, jwtSecret };
  let sim: UpstreamSim;
  let env: Record<string, string>;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    sim = await createUpstreamSim({
      token: upstreamToken,
      companies: 3,
      latencyMs: { min: 5, max: 10 },
    });
    const company = sim.companyIds()[0];
    secrets.officeJwt = await testToken(
      { role: 'office', serviceCompanyId: company },
      { secret: jwtSecret },
    );
    secrets.adminJwt = await testToken({ role: 'admin' }, { secret: jwtSecret });
    secrets.forgedJwt = await testToken({ role: 'admin' }, { secret: `${jwtSecret}-forged` });
    secrets.otherOfficeJwt = await testToken(
      { role: 'office', serviceCompanyId: company + 1 },
      { secret: jwtSecret },
    );
    env = serviceEnv({
      UPSTREAM_BASE_URL: sim.url,
      UPSTREAM_API_TOKEN: upstreamToken,
      AZURE_STORAGE_CONNECTION_STRING: connectionString,
      ADMIN_API_TOKEN: adminToken,
      AUTH_JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'trace',
    });
  });

  afterAll(async () => {
    await service?.kill();
    await sim.close();
  });

  it('should keep every secret out of logs and responses while serving', async () => {
    service = await startServiceProcess(env);
    const answers: HttpAnswer[] = [];
    const call = async (path: string, init: HttpRequest = {}): Promise<HttpAnswer> => {
      const answer = await request(`${service!.url}${path}`, init);
      answers.push(answer);
      return answer;
    };
    const schedule = (date: string) => scheduleUrl('', { date, companyId: sim.companyIds()[0] });
    const office = { token: secrets.officeJwt };

    // Secrets that can leak must be long enough to find: the account key is the shortest.
    expect(accountKey).toMatch(/^[A-Za-z0-9+/]{64,}={0,2}$/);
    const miss = await call(schedule(MISS_DATE), office);
    expect([miss.status, miss.headers['x-cache']]).toEqual([200, 'MISS']);
    await waitFor(
      'a hit',
      async () => (await call(schedule(MISS_DATE), office)).headers['x-cache'] === 'HIT',
    );
    expect((await call(scheduleUrl('', { date: '2026-02-30', companyId: 1 }), office)).status).toBe(
      400,
    );
    sim.setFault('http-500');
    expect((await call(schedule(FAILED_DATE), { token: secrets.adminJwt })).status).toBe(502);
    sim.setFault('none');
    expect((await call(schedule(MISS_DATE))).status).toBe(401);
    expect((await call(schedule(MISS_DATE), { token: secrets.forgedJwt })).status).toBe(401);
    expect((await call(schedule(MISS_DATE), { token: secrets.otherOfficeJwt })).status).toBe(403);
    expect((await call('/api/admin/jobs', { token: secrets.officeJwt })).status).toBe(403);
    expect((await call('/api/admin/jobs', { token: secrets.adminJwt })).status).toBe(200);

    expect((await call('/api/admin/jobs', { token: adminToken })).status).toBe(200);
    expect((await call('/api/admin/jobs', { token: `${adminToken}x` })).status).toBe(401);
    expect((await call('/api/admin/jobs', { token: upstreamToken })).status).toBe(401);
    expect((await call('/api/admin/jobs')).status).toBe(401);
    expect((await call('/api/dr-schedule/users', { token: adminToken })).status).toBe(200);
    expect((await call('/api/dr-schedule/users', { token: 'wrong-token-0123456789' })).status).toBe(
      401,
    );
    const trigger = await call('/api/admin/pregen', {
      method: 'POST',
      token: adminToken,
      json: { dates: [PREGEN_DATE] },
    });
    expect(trigger.status).toBe(202);
    expect(
      (
        await call('/api/admin/pregen', {
          method: 'POST',
          token: 'nope',
          json: { dates: [PREGEN_DATE] },
        })
      ).status,
    ).toBe(401);
    await waitFor('the pregen job to complete', async () => {
      const jobs = await call('/api/admin/jobs?state=completed', { token: adminToken });
      return jobs.text().includes(`"date":"${PREGEN_DATE}"`);
    });
    expect((await call('/health')).status).toBe(200);
    await call('/health/ready');
    await call('/metrics');
    await call('/docs-json');

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);

    const output = service.output();
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    expect(findSecrets(output, secrets)).toEqual([]);
    for (const answer of answers) {
      expect(findSecrets(answer.text() + JSON.stringify(answer.headers), secrets)).toEqual([]);
    }
  });

  it.each(['ADMIN_API_TOKEN', 'AUTH_JWT_SECRET'])(
    'should name an invalid %s without printing its value',
    async (variable) => {
      const invalid = 'short-secret';
      const { code, output } = await runToExit({ ...env, [variable]: invalid });

      expect(code).toBe(1);
      expect(output).toContain(variable);
      expect(output).not.toContain(invalid);
      expect(findSecrets(output, secrets)).toEqual([]);
    },
  );
});

function findSecrets(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
}

/** The built service with an env that fails validation: it must exit before listening. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'node'), ['dist/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}
