import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { buildStageSources, runtimeNodeFlags, runtimeStageEnv } from './support/dockerfile';
import { request } from './support/http';
import { serviceEnv, startServiceProcess } from './support/service-process';
import { ADMIN_TOKEN } from './support/test-app';

const ROOT = join(__dirname, '..');

describe('Container build', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'schedule-cache-image-'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('should build with the one script the test suite runs', () => {
    expect(dockerfile).toMatch(/^RUN scripts\/build-release\.sh$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", ("--[\w=-]+", )*"dist\/main\.js"\]$/m);
    expect(buildStageSources(dockerfile)).toContain('scripts/build-release.sh');
  });

  it('should boot from only what the build stage copies, with production dependencies only', async () => {
    for (const source of buildStageSources(dockerfile)) {
      cpSync(join(ROOT, source), join(scratch, source), { recursive: true });
    }
    // A copy of the installed modules stands in for the registry download; the lock decides.
    cpSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'), { recursive: true });
    const node24 = join(ROOT, 'node_modules', 'node', 'bin');
    const build = spawnSync('scripts/build-release.sh', {
      cwd: scratch,
      env: { ...process.env, PATH: `${node24}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    expect(build.stderr + build.stdout).not.toMatch(/ERR!/);
    expect(build.status).toBe(0);

    // typescript stays: valibot (via @bull-board/api) declares it as a peer dependency.
    const devOnly = ['jest', 'ts-jest', 'azurite', 'eslint', 'prettier'];
    const pruned = spawnSync('ls', [join(scratch, 'node_modules')], { encoding: 'utf8' }).stdout;
    for (const name of devOnly) {
      expect(pruned.split('\n')).not.toContain(name);
    }

    // With the image's own environment and node flags: one node refuses would stop it booting.
    const nodeFlags = runtimeNodeFlags(dockerfile);
    expect(nodeFlags).toEqual(
      expect.arrayContaining([expect.stringMatching(/^--min-semi-space-size=\d+$/)]),
    );
    const sim = await createUpstreamSim({ companies: 2, latencyMs: { min: 0, max: 0 } });
    try {
      const service = await startServiceProcess(
        serviceEnv({ ...runtimeStageEnv(dockerfile), UPSTREAM_BASE_URL: sim.url }),
        scratch,
        nodeFlags,
      );
      // The upstream probe runs on the upstream thread: its compiled entry loads without tsx.
      const ready = (await request(`${service.url}/health/ready`)).json<{
        details: { reads: { upstream: { status: string } } };
      }>();
      // The operator CLI ships in the image and runs on production dependencies alone.
      const cli = spawnSync(join(node24, 'node'), ['dist/cli/main.js', '--json', 'jobs', 'list'], {
        cwd: scratch,
        env: { SCHEDULE_CACHE_URL: service.url, ADMIN_API_TOKEN: ADMIN_TOKEN },
        encoding: 'utf8',
      });
      service.child.kill('SIGTERM');

      expect(ready.details.reads.upstream).toEqual({ status: 'up' });
      expect([cli.status, cli.stderr, cli.stdout]).toEqual([0, '', '[]\n']);
      expect(await service.exited).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
