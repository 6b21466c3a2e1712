import {
  AdminApi,
  AdminApiError,
  CompanyToggles,
  CycleSummary,
  EnqueuedCycle,
  JobDetail,
  JobSummary,
  PregenSchedule,
  QueuedJob,
  RetriedJob,
  ServeMode,
  ServeModeState,
  UnreachableError,
} from './admin-api.client';
import { runCli, settingsFromEnv } from './cli.program';
import { CliError, ExitCode } from './exit-codes';

const JOB: JobSummary = {
  id: 'refresh:2026-11-23:manual-x',
  name: 'refresh-date',
  state: 'failed',
  date: '2026-11-23',
  cycleId: 'manual-x',
  attempts: 3,
  createdAt: '2026-11-23T10:00:00.000Z',
  processedAt: '2026-11-23T10:00:01.000Z',
  finishedAt: '2026-11-23T10:00:04.000Z',
  result: null,
  error: 'Upstream answered HTTP 500',
};
const SCHEDULE: PregenSchedule = {
  paused: true,
  reason: 'legacy maintenance',
  updatedBy: 'admin-api-token',
  updatedAt: '2026-11-23T10:00:00.000Z',
};
const CYCLE: CycleSummary = {
  id: 'cron-2026-11-23T10:00:00.000Z',
  trigger: 'cron',
  actor: null,
  startedAt: '2026-11-23T10:00:00.000Z',
  finishedAt: '2026-11-23T10:00:09.000Z',
  dates: ['2026-11-23', '2026-11-24'],
  generated: 12,
  unchanged: 30,
  emptied: 1,
  failed: 0,
  upstreamMs: 7400,
};
const TOGGLES: CompanyToggles = {
  serviceCompanyId: 26,
  toggles: { TechDashboard_DisplayBillRate: true },
  version: '"0x1"',
  updatedAt: null,
  updatedBy: null,
};

/** Records every call; answers the canned values, or throws `failWith`. */
class FakeAdminApi extends AdminApi {
  readonly calls: [string, ...unknown[]][] = [];
  failWith: Error | undefined;

  private answer<T>(value: T, ...call: [string, ...unknown[]]): Promise<T> {
    this.calls.push(call);
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve(value);
  }
  listJobs(query: { state?: string; limit?: number }): Promise<JobSummary[]> {
    return this.answer([JOB], 'listJobs', query);
  }
  showJob(id: string): Promise<JobDetail> {
    return this.answer(
      { ...JOB, stacktrace: ['Error: boom\n    at refresh (x.js:1:1)'] },
      'showJob',
      id,
    );
  }
  retryJob(id: string): Promise<RetriedJob> {
    return this.answer({ id, state: 'waiting' }, 'retryJob', id);
  }
  runPregen(dates?: readonly string[]): Promise<EnqueuedCycle> {
    const jobs = (dates ?? ['2026-11-23']).map((date) => ({ id: `refresh:${date}:m`, date }));
    return this.answer({ cycleId: 'm', jobs }, 'runPregen', dates);
  }
  pregenSchedule(): Promise<PregenSchedule> {
    return this.answer(SCHEDULE, 'pregenSchedule');
  }
  setPregenSchedule(change: { paused: boolean; reason?: string }): Promise<PregenSchedule> {
    return this.answer({ ...SCHEDULE, ...change }, 'setPregenSchedule', change);
  }
  cycles(limit?: number): Promise<CycleSummary[]> {
    return this.answer([CYCLE], 'cycles', limit);
  }
  serveMode(): Promise<ServeModeState> {
    return this.answer({ mode: 'cache', updatedBy: null, updatedAt: null }, 'serveMode');
  }
  setServeMode(mode: ServeMode): Promise<ServeModeState> {
    return this.answer(
      { mode, updatedBy: 'admin-api-token', updatedAt: null },
      'setServeMode',
      mode,
    );
  }
  featureToggles(companyId: string): Promise<CompanyToggles> {
    return this.answer(TOGGLES, 'featureToggles', companyId);
  }
  setFeatureToggles(companyId: string, toggles: object): Promise<CompanyToggles> {
    return this.answer(TOGGLES, 'setFeatureToggles', companyId, toggles);
  }
  syncUsers(): Promise<QueuedJob> {
    return this.answer({ jobId: 'users:manual-x' }, 'syncUsers');
  }
}

describe('schedule-cache CLI', () => {
  let api: FakeAdminApi;
  let files: Record<string, string>;

  beforeEach(() => {
    api = new FakeAdminApi();
    files = {};
  });

  async function cli(...args: string[]): Promise<{ code: ExitCode; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(args, {
      api: () => api,
      write: (text) => (out += `${text}\n`),
      writeErr: (text) => (err += text),
      readFile: (path) =>
        path in files ? Promise.resolve(files[path]) : Promise.reject(new Error(`ENOENT ${path}`)),
    });
    return { code, out, err };
  }

  describe('jobs', () => {
    it('should list jobs as a table, passing state and limit', async () => {
      const { code, out } = await cli('jobs', 'list', '--state', 'failed', '--limit', '5');

      expect(code).toBe(ExitCode.Ok);
      expect(api.calls).toEqual([['listJobs', { state: 'failed', limit: 5 }]]);
      expect(out).toMatch(/ID +│ NAME +│ STATE/);
      expect(out).toContain('refresh:2026-11-23:manual-x');
      expect(out).toContain('Upstream answered HTTP 500');
    });

    it('should print the answer as JSON with --json', async () => {
      const { out } = await cli('--json', 'jobs', 'list');

      expect(JSON.parse(out)).toEqual([JOB]);
    });

    it('should refuse a limit that is no whole number without calling the service', async () => {
      const { code, err } = await cli('jobs', 'list', '--limit', '0');

      expect(code).toBe(ExitCode.Usage);
      expect(err).toContain("option '--limit <n>' argument '0' is invalid");
      expect(api.calls).toEqual([]);
    });

    it("should show one job with its error's stack trace", async () => {
      const { out } = await cli('jobs', 'show', JOB.id);

      expect(api.calls).toEqual([['showJob', JOB.id]]);
      expect(out).toContain('Stack trace:\nError: boom\n    at refresh (x.js:1:1)');
    });

    it('should retry a job', async () => {
      const { out } = await cli('jobs', 'retry', JOB.id);

      expect(out).toBe(`Job ${JOB.id} is waiting again.\n`);
    });
  });

  describe('pregen', () => {
    it('should run a cycle for each --date given', async () => {
      const { out } = await cli('pregen', 'run', '--date', '2026-11-23', '--date', '2026-11-24');

      expect(api.calls).toEqual([['runPregen', ['2026-11-23', '2026-11-24']]]);
      expect(out).toContain('Cycle m: 2 job(s) queued.');
    });

    it('should run the whole window without --date', async () => {
      await cli('pregen', 'run');

      expect(api.calls).toEqual([['runPregen', undefined]]);
    });

    it('should pause with a reason, resume and show the status', async () => {
      await cli('pregen', 'pause', '--reason', 'legacy maintenance');
      await cli('pregen', 'resume');
      const { out } = await cli('pregen', 'status');

      expect(api.calls).toEqual([
        ['setPregenSchedule', { paused: true, reason: 'legacy maintenance' }],
        ['setPregenSchedule', { paused: false }],
        ['pregenSchedule'],
      ]);
      expect(out).toMatch(/recurring cycle │ paused/);
      expect(out).toContain('legacy maintenance');
    });
  });

  describe('cycles', () => {
    it('should list cycles with their counts and upstream seconds', async () => {
      const { out } = await cli('cycles', '--limit', '3');

      expect(api.calls).toEqual([['cycles', 3]]);
      expect(out).toMatch(/cron-2026-11-23T10:00:00\.000Z.*│ 2 +│ 12 +│ 30 +│ 1 +│ 0 +│ 7\.4/);
    });

    it("should print the service's shape with --json", async () => {
      const { out } = await cli('cycles', '--json');

      expect(JSON.parse(out)).toEqual({ cycles: [CYCLE] });
    });
  });

  describe('serve-mode', () => {
    it('should get and set the mode', async () => {
      await cli('serve-mode', 'get');
      const { out } = await cli('serve-mode', 'set', 'upstream');

      expect(api.calls).toEqual([['serveMode'], ['setServeMode', 'upstream']]);
      expect(out).toMatch(/mode +│ upstream/);
    });

    it('should refuse a mode other than cache or upstream', async () => {
      const { code, err } = await cli('serve-mode', 'set', 'legacy');

      expect(code).toBe(ExitCode.Usage);
      expect(err).toContain('Allowed choices are cache, upstream.');
      expect(api.calls).toEqual([]);
    });
  });

  describe('toggles', () => {
    const shown = { TechDashboard_DisplayBillRate: false };

    it("should get a company's toggles", async () => {
      const { out } = await cli('toggles', 'get', '26');

      expect(api.calls).toEqual([['featureToggles', '26']]);
      expect(out).toMatch(/TechDashboard_DisplayBillRate │ true/);
    });

    it.each([
      ['the toggles', shown],
      ['the output of toggles get --json', { ...TOGGLES, toggles: shown }],
    ])('should set toggles from a file holding %s', async (_what, content) => {
      files['t.json'] = JSON.stringify(content);

      const { code } = await cli('toggles', 'set', '26', 't.json');

      expect(code).toBe(ExitCode.Ok);
      expect(api.calls).toEqual([['setFeatureToggles', '26', shown]]);
    });

    it.each([
      ['missing.json', undefined, 'cannot read missing.json: ENOENT missing.json'],
      ['bad.json', '{"TechDashboard', 'bad.json is not JSON'],
      ['list.json', '[true]', 'list.json must hold a JSON object'],
    ])('should refuse %s without calling the service', async (file, content, message) => {
      if (content !== undefined) {
        files[file] = content;
      }

      const { code, err } = await cli('toggles', 'set', '26', file);

      expect(code).toBe(ExitCode.Usage);
      expect(err).toContain(`schedule-cache: ${message}`);
      expect(api.calls).toEqual([]);
    });
  });

  describe('users', () => {
    it('should queue a users sync', async () => {
      const { out } = await cli('users', 'sync');

      expect(out).toBe('Users sync queued as job users:manual-x.\n');
    });
  });

  describe('failures', () => {
    it.each([
      ['HTTP 400', new AdminApiError(400, 'HTTP 400: state must be one of…'), ExitCode.Refused],
      ['HTTP 401', new AdminApiError(401, 'HTTP 401: Invalid token'), ExitCode.Unauthenticated],
      ['HTTP 403', new AdminApiError(403, 'HTTP 403: Admin role required'), ExitCode.Forbidden],
      ['HTTP 404', new AdminApiError(404, 'HTTP 404: No job x'), ExitCode.NotFound],
      ['HTTP 409', new AdminApiError(409, 'HTTP 409: Job x is completed'), ExitCode.Conflict],
      ['HTTP 500', new AdminApiError(500, 'HTTP 500: Internal server error'), ExitCode.Failed],
      [
        'no answer',
        new UnreachableError('cannot reach http://h:9: ECONNREFUSED'),
        ExitCode.Unreachable,
      ],
    ])(
      'should end %s with its own exit code and one line on stderr',
      async (_what, error, code) => {
        api.failWith = error;

        const answer = await cli('jobs', 'list');

        expect([answer.code, answer.out, answer.err]).toEqual([
          code,
          '',
          `schedule-cache: ${error.message}\n`,
        ]);
      },
    );

    it('should name Retry-After of a 503', async () => {
      api.failWith = new AdminApiError(
        503,
        'POST /api/admin/users/sync: HTTP 503: Redis is down',
        5,
      );

      const { code, err } = await cli('users', 'sync');

      expect(code).toBe(ExitCode.Unavailable);
      expect(err).toBe(
        'schedule-cache: POST /api/admin/users/sync: HTTP 503: Redis is down (retry after 5 s)\n',
      );
    });

    it('should end an unknown command as a usage error', async () => {
      const { code, err } = await cli('jobs', 'lst');

      expect(code).toBe(ExitCode.Usage);
      expect(err).toContain("unknown command 'lst'");
    });

    it('should answer --help with exit code 0 and no credential', async () => {
      const { code, out } = await cli('--help');

      expect(code).toBe(ExitCode.Ok);
      expect(out).toContain('Usage: schedule-cache');
      expect(api.calls).toEqual([]);
    });
  });
});

describe(settingsFromEnv.name, () => {
  it('should default to the local service and a 10 s timeout', () => {
    expect(settingsFromEnv({ ADMIN_API_TOKEN: 'a' })).toEqual({
      baseUrl: 'http://localhost:3000',
      token: 'a',
      timeoutMs: 10_000,
    });
  });

  it('should prefer SCHEDULE_CACHE_TOKEN to ADMIN_API_TOKEN', () => {
    const env = {
      SCHEDULE_CACHE_TOKEN: 's',
      ADMIN_API_TOKEN: 'a',
      SCHEDULE_CACHE_URL: 'http://h:1',
    };

    expect(settingsFromEnv(env)).toMatchObject({ baseUrl: 'http://h:1', token: 's' });
  });

  it.each([
    [{}, ExitCode.Unauthenticated, 'no credential'],
    [{ ADMIN_API_TOKEN: 'a', SCHEDULE_CACHE_URL: 'not a url' }, ExitCode.Usage, 'not a URL'],
    [{ ADMIN_API_TOKEN: 'a', SCHEDULE_CACHE_TIMEOUT_MS: '5s' }, ExitCode.Usage, 'whole number'],
  ])('should refuse %j', (env, code, message) => {
    let refusal: unknown;
    try {
      settingsFromEnv(env);
    } catch (error) {
      refusal = error;
    }

    expect(refusal).toBeInstanceOf(CliError);
    expect((refusal as CliError).code).toBe(code);
    expect((refusal as CliError).message).toContain(message);
  });
});
