import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { AuthMessages } from '../src/auth/auth.errors';
import { ExitCode } from '../src/cli/exit-codes';
import { AdminJob, completedJobs, EnqueuedCycle, listJobs } from './support/admin-api';
import { SHOW_ALL_TOGGLES } from './support/feature-toggles';
import { serviceEnv, ServiceProcess, startServiceProcess } from './support/service-process';
import { freePort, startRedis } from './support/services';
import { ADMIN_TOKEN } from './support/test-app';
import { testToken } from './support/tokens';
import { waitFor } from './support/wait';

const ROOT = join(__dirname, '..');
const NODE = join(ROOT, 'node_modules', 'node', 'bin', 'node');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI as an operator runs it: its own process, settings from the environment only. */
function schedule(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      NODE,
      [CLI, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const json = <T>(run: CliRun): T => JSON.parse(run.stdout) as T;

describe('schedule-cache CLI against a running service', () => {
  let sim: UpstreamSim;
  let service: ServiceProcess;
  let asAdmin: Record<string, string>;
  let files: string;

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 10, max: 30 } });
    service = await startServiceProcess(
      serviceEnv({ UPSTREAM_BASE_URL: sim.url, PREGEN_ATTEMPTS: '1' }),
    );
    asAdmin = { SCHEDULE_CACHE_URL: service.url, ADMIN_API_TOKEN: ADMIN_TOKEN };
    files = await mkdtemp(join(tmpdir(), 'schedule-cache-cli-'));
  });

  afterAll(async () => {
    await service.kill();
    await sim.close();
    await rm(files, { recursive: true, force: true });
  });

  beforeEach(() => {
    sim.setFault('none');
  });

  describe('pregen run', () => {
    it('should queue one job per --date and print them', async () => {
      const dates = ['2026-03-02', '2026-03-03'];

      const run = await schedule(asAdmin, '--json', 'pregen', 'run', '--date', ...dates);

      expect([run.code, run.stderr]).toEqual([ExitCode.Ok, '']);
      const cycle = json<EnqueuedCycle>(run);
      expect(cycle.jobs.map((job) => job.date)).toEqual(dates);
      const done = await completedJobs(service.url, cycle);
      expect(done.map((job) => job.date).sort()).toEqual(dates);
    });

    it('should print a table for people', async () => {
      const run = await schedule(asAdmin, 'pregen', 'run', '--date', '2026-03-04');

      expect(run.code).toBe(ExitCode.Ok);
      expect(run.stdout).toMatch(/^Cycle cli-\S+: 1 job\(s\) queued\.\n/);
      expect(run.stdout).toMatch(/│ refresh:2026-03-04:cli-\S+ +│ 2026-03-04 │/);
    });

    it("should end 400 as exit code 9 with the service's message", async () => {
      const run = await schedule(asAdmin, 'pregen', 'run', '--date', '2026-02-30');

      expect([run.code, run.stdout, run.stderr]).toEqual([
        ExitCode.Refused,
        '',
        'schedule-cache: POST /api/admin/pregen: HTTP 400: each value in dates must be a date as YYYY-MM-DD\n',
      ]);
    });
  });

  describe('jobs', () => {
    it('should list jobs as a table and as JSON', async () => {
      const cycle = json<EnqueuedCycle>(
        await schedule(asAdmin, '--json', 'pregen', 'run', '--date', '2026-03-05'),
      );
      const [done] = await completedJobs(service.url, cycle);

      const table = await schedule(asAdmin, 'jobs', 'list', '--state', 'completed');
      const listed = await schedule(asAdmin, 'jobs', 'list', '--limit', '1', '--json');

      expect(table.code).toBe(ExitCode.Ok);
      expect(table.stdout).toMatch(/│ ID +│ NAME +│ STATE +│ DATE +│ ATTEMPTS +│ CREATED/);
      expect(table.stdout).toContain(`│ ${done.id} │ refresh-date │ completed │ 2026-03-05 │`);
      expect(json<{ id: string }[]>(listed).map((job) => job.id)).toEqual([done.id]);
    });

    /** Runs a cycle of `date` against a failing legacy API; its one job fails for good. */
    async function failedJob(date: string): Promise<{ cycle: EnqueuedCycle; job: AdminJob }> {
      sim.setFault('http-500');
      const cycle = json<EnqueuedCycle>(
        await schedule(asAdmin, '--json', 'pregen', 'run', '--date', date),
      );
      const job = await waitFor('the job to fail', async () =>
        (await listJobs(service.url, 'failed')).find((job) => job.cycleId === cycle.cycleId),
      );
      sim.setFault('none');
      return { cycle, job };
    }

    it("should show a failed job with its error's stack trace", async () => {
      const { job } = await failedJob('2026-03-08');

      const table = await schedule(asAdmin, 'jobs', 'show', job.id);
      const shown = await schedule(asAdmin, '--json', 'jobs', 'show', job.id);

      expect(table.code).toBe(ExitCode.Ok);
      expect(table.stdout).toMatch(/│ state +│ failed +│/);
      expect(table.stdout).toContain(`\nStack trace:\n`);
      expect(table.stdout).toContain(`${job.error}\n    at `);
      expect(json<{ id: string; stacktrace: string[] }>(shown)).toMatchObject({
        id: job.id,
        stacktrace: [expect.stringContaining(`${job.error}\n    at `)],
      });
    });

    it('should end showing an unknown job as exit code 6', async () => {
      const run = await schedule(asAdmin, 'jobs', 'show', 'nope');

      expect([run.code, run.stdout, run.stderr]).toEqual([
        ExitCode.NotFound,
        '',
        'schedule-cache: GET /api/admin/jobs/nope: HTTP 404: No job nope\n',
      ]);
    });

    it('should retry a failed job', async () => {
      const { cycle, job: failed } = await failedJob('2026-03-06');

      const run = await schedule(asAdmin, 'jobs', 'retry', failed.id);

      expect([run.code, run.stdout]).toEqual([ExitCode.Ok, `Job ${failed.id} is waiting again.\n`]);
      expect((await completedJobs(service.url, cycle)).map((job) => job.id)).toEqual([failed.id]);
    });

    it('should end an unknown job as exit code 6', async () => {
      const run = await schedule(asAdmin, 'jobs', 'retry', 'nope');

      expect([run.code, run.stdout, run.stderr]).toEqual([
        ExitCode.NotFound,
        '',
        'schedule-cache: POST /api/admin/jobs/nope/retry: HTTP 404: No job nope\n',
      ]);
    });

    it('should end retrying a job that did not fail as exit code 7', async () => {
      const cycle = json<EnqueuedCycle>(
        await schedule(asAdmin, '--json', 'pregen', 'run', '--date', '2026-03-07'),
      );
      const [done] = await completedJobs(service.url, cycle);

      const run = await schedule(asAdmin, 'jobs', 'retry', done.id);

      expect(run.code).toBe(ExitCode.Conflict);
      expect(run.stderr).toMatch(
        /^schedule-cache: POST \S+: HTTP 409: Job \S+ is completed, not failed\n$/,
      );
    });

    it('should refuse a limit that is no number before calling the service', async () => {
      const run = await schedule(asAdmin, 'jobs', 'list', '--limit', 'ten');

      expect(run.code).toBe(ExitCode.Usage);
      expect(run.stderr).toContain("error: option '--limit <n>' argument 'ten' is invalid.");
    });
  });

  describe('pregen pause, resume and status', () => {
    it('should pause with a reason, show it, and resume', async () => {
      const resumed = await schedule(asAdmin, '--json', 'pregen', 'resume');
      const paused = await schedule(
        asAdmin,
        '--json',
        'pregen',
        'pause',
        '--reason',
        'legacy upgrade',
      );
      const status = await schedule(asAdmin, 'pregen', 'status');

      expect([resumed.code, json<{ paused: boolean }>(resumed).paused]).toEqual([
        ExitCode.Ok,
        false,
      ]);
      expect(json(paused)).toEqual({
        paused: true,
        reason: 'legacy upgrade',
        updatedBy: 'admin-api-token',
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      });
      expect(status.stdout).toMatch(/│ recurring cycle │ paused +│/);
      expect(status.stdout).toMatch(/│ reason +│ legacy upgrade +│/);
    });
  });

  describe('serve-mode', () => {
    it('should switch reads to the legacy API and back', async () => {
      try {
        const upstream = await schedule(asAdmin, '--json', 'serve-mode', 'set', 'upstream');
        const got = await schedule(asAdmin, 'serve-mode', 'get');

        expect(upstream.code).toBe(ExitCode.Ok);
        expect(json(upstream)).toMatchObject({ mode: 'upstream', updatedBy: 'admin-api-token' });
        expect(got.stdout).toMatch(/│ mode +│ upstream +│/);
      } finally {
        const cache = await schedule(asAdmin, '--json', 'serve-mode', 'set', 'cache');
        expect(json(cache)).toMatchObject({ mode: 'cache' });
      }
    });

    it('should refuse another mode before calling the service', async () => {
      const run = await schedule(asAdmin, 'serve-mode', 'set', 'legacy');

      expect(run.code).toBe(ExitCode.Usage);
      expect(run.stderr).toContain("value 'legacy' is invalid for argument 'mode'");
    });
  });

  describe('cycles', () => {
    it('should list a CLI cycle with its trigger, actor and counts', async () => {
      const cycle = json<EnqueuedCycle>(
        await schedule(asAdmin, '--json', 'pregen', 'run', '--date', '2026-03-09'),
      );
      await completedJobs(service.url, cycle);
      const [summary] = await waitFor('the cycle to be summarised', async () => {
        const listed = await schedule(asAdmin, '--json', 'cycles', '--limit', '1');
        const cycles = json<{ cycles: { id: string; finishedAt: string | null }[] }>(listed).cycles;
        return cycles[0]?.id === cycle.cycleId && cycles[0].finishedAt !== null && cycles;
      });

      const table = await schedule(asAdmin, 'cycles', '--limit', '1');

      expect(summary).toMatchObject({
        trigger: 'cli',
        actor: 'admin-api-token',
        dates: ['2026-03-09'],
      });
      expect(table.code).toBe(ExitCode.Ok);
      expect(table.stdout).toMatch(/│ ID +│ TRIGGER +│ ACTOR +│ STARTED/);
      expect(table.stdout).toContain(`│ ${cycle.cycleId} │ cli     │ admin-api-token │`);
    });
  });

  describe('toggles', () => {
    it("should set a company's toggles from a file and read them back", async () => {
      const file = join(files, 'toggles.json');
      await writeFile(file, JSON.stringify(SHOW_ALL_TOGGLES));

      const set = await schedule(asAdmin, '--json', 'toggles', 'set', '26', file);
      const got = await schedule(asAdmin, 'toggles', 'get', '26');

      expect(set.code).toBe(ExitCode.Ok);
      expect(json<{ toggles: object }>(set).toggles).toEqual(SHOW_ALL_TOGGLES);
      expect(got.code).toBe(ExitCode.Ok);
      expect(got.stdout).toMatch(/│ TechDashboard_HideDiscounts +│ false +│/);
      expect(got.stdout).toMatch(/│ TechDashboard_DisplayBillRate +│ true +│/);
    });

    it('should refuse a file that cannot be read with exit code 2', async () => {
      const run = await schedule(asAdmin, 'toggles', 'set', '26', join(files, 'missing.json'));

      expect(run.code).toBe(ExitCode.Usage);
      expect(run.stderr).toMatch(/^schedule-cache: cannot read \S+missing\.json: ENOENT/);
    });
  });

  describe('users sync', () => {
    it('should queue one sync job that completes', async () => {
      const run = await schedule(asAdmin, '--json', 'users', 'sync');

      expect(run.code).toBe(ExitCode.Ok);
      const { jobId } = json<{ jobId: string }>(run);
      const done = await waitFor('the users sync to complete', async () =>
        (await listJobs(service.url, 'completed')).find((job) => job.id === jobId),
      );
      expect(done.name).toBe('sync-users');
    });
  });

  describe('jobs list --state delayed', () => {
    it('should list a job waiting for its next try', async () => {
      const retrying = await startServiceProcess(
        serviceEnv({
          UPSTREAM_BASE_URL: sim.url,
          PREGEN_ATTEMPTS: '2',
          PREGEN_BACKOFF_MS: '600000',
        }),
      );
      try {
        const env = { SCHEDULE_CACHE_URL: retrying.url, ADMIN_API_TOKEN: ADMIN_TOKEN };
        sim.setFault('http-500', { times: 1 });
        const cycle = json<EnqueuedCycle>(
          await schedule(env, '--json', 'pregen', 'run', '--date', '2026-03-10'),
        );

        const delayed = await waitFor('the job to wait for its retry', async () => {
          const run = await schedule(env, '--json', 'jobs', 'list', '--state', 'delayed');
          const jobs = json<{ id: string; state: string }[]>(run);
          return jobs.length > 0 && jobs;
        });

        expect(delayed).toEqual([
          expect.objectContaining({ id: cycle.jobs[0].id, state: 'delayed', attempts: 1 }),
        ]);
      } finally {
        await retrying.kill();
      }
    });
  });

  describe('credentials and reachability', () => {
    it('should end a wrong token as exit code 4', async () => {
      const env = { SCHEDULE_CACHE_URL: service.url, ADMIN_API_TOKEN: 'wrong-token-wrong-token' };

      const run = await schedule(env, 'jobs', 'list');

      expect([run.code, run.stdout, run.stderr]).toEqual([
        ExitCode.Unauthenticated,
        '',
        `schedule-cache: GET /api/admin/jobs: HTTP 401: ${AuthMessages.invalid}\n`,
      ]);
    });

    it('should end a missing credential as exit code 4 without calling the service', async () => {
      const run = await schedule({ SCHEDULE_CACHE_URL: service.url }, 'jobs', 'list');

      expect([run.code, run.stderr]).toEqual([
        ExitCode.Unauthenticated,
        'schedule-cache: no credential: set SCHEDULE_CACHE_TOKEN (an admin bearer token) or ADMIN_API_TOKEN\n',
      ]);
    });

    it("should end an office user's token as exit code 5", async () => {
      const office = await testToken({ role: 'office', serviceCompanyId: 26 });
      const env = { SCHEDULE_CACHE_URL: service.url, SCHEDULE_CACHE_TOKEN: office };

      const run = await schedule(env, 'users', 'sync');

      expect([run.code, run.stderr]).toEqual([
        ExitCode.Forbidden,
        `schedule-cache: POST /api/admin/users/sync: HTTP 403: ${AuthMessages.adminRequired}\n`,
      ]);
    });

    it('should end an unreachable service as exit code 3', async () => {
      const url = `http://127.0.0.1:${await freePort()}`;

      const run = await schedule(
        { SCHEDULE_CACHE_URL: url, ADMIN_API_TOKEN: ADMIN_TOKEN },
        'jobs',
        'list',
      );

      expect([run.code, run.stdout]).toEqual([ExitCode.Unreachable, '']);
      expect(run.stderr).toBe(
        `schedule-cache: cannot reach ${url}: connect ECONNREFUSED ${url.slice(7)}\n`,
      );
    });

    it('should end 503 as exit code 8, naming Retry-After', async () => {
      const redis = await startRedis();
      const outage = await startServiceProcess(
        serviceEnv({
          UPSTREAM_BASE_URL: sim.url,
          REDIS_URL: `redis://127.0.0.1:${redis.port}`,
          SHUTDOWN_GRACE_MS: '200',
        }),
      );
      try {
        await redis.stop();
        const env = { SCHEDULE_CACHE_URL: outage.url, ADMIN_API_TOKEN: ADMIN_TOKEN };

        const run = await schedule(env, 'users', 'sync');

        expect([run.code, run.stderr]).toEqual([
          ExitCode.Unavailable,
          'schedule-cache: POST /api/admin/users/sync: HTTP 503: enqueue users sync: Redis is unavailable (retry after 5 s)\n',
        ]);
      } finally {
        await outage.kill();
      }
    });
  });
});
