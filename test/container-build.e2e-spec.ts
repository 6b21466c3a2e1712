import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUpstreamSim } from '../tools/upstream-sim/upstream-sim';
import {
  buildStageSources,
  runtimeNodeFlags,
  runtimeStageEnv,
  runtimeStageLabels,
} from './support/dockerfile';
import { request } from './support/http';
import { serviceEnv, startServiceProcess } from './support/service-process';
import { ADMIN_TOKEN } from './support/test-app';

const ROOT = join(__dirname, '..');
/** A bound for `npm ci` on a busy machine, not a speed assertion. */
const BUILD_TIMEOUT_MS = 20 * 60_000;
const MAX_PRODUCTION_TREE_BYTES = 100 * 1000 * 1000;

/** Bytes of every file below `dir`, as an image layer stores them. */
function treeBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(join(entry.parentPath, entry.name)).size, 0);
}

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

  it('should start with npm start as the image does: its environment and node flags', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const env = Object.entries(runtimeStageEnv(dockerfile)).map(
      ([name, value]) => `${name}=${value}`,
    );

    expect(manifest.scripts.start).toBe(
      [...env, 'node', ...runtimeNodeFlags(dockerfile), 'dist/main.js'].join(' '),
    );
  });

  it('should carry the OCI labels, with package.json naming and describing the image', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      name: string;
      description: string;
      license: string;
    };

    expect(runtimeStageLabels(dockerfile)).toEqual({
      'org.opencontainers.image.title': manifest.name,
      'org.opencontainers.image.description': manifest.description,
      'org.opencontainers.image.licenses': manifest.license,
      'org.opencontainers.image.version': '${VERSION}',
      'org.opencontainers.image.revision': '${REVISION}',
      'org.opencontainers.image.created': '${CREATED}',
      'org.opencontainers.image.source': '${SOURCE}',
    });
    for (const arg of ['VERSION', 'REVISION', 'CREATED', 'SOURCE']) {
      expect(dockerfile).toMatch(new RegExp(`^ARG ${arg}$`, 'm'));
    }
  });

  it(
    'should boot from only what the build stage copies, with production dependencies only',
    async () => {
      for (const source of buildStageSources(dockerfile)) {
        cpSync(join(ROOT, source), join(scratch, source), { recursive: true });
      }
      const node24 = join(ROOT, 'node_modules', 'node', 'bin');
      // `npm ci` from the lock, as the image build does; the suite's install filled npm's cache.
      const build = spawnSync('scripts/build-release.sh', {
        cwd: scratch,
        env: {
          ...process.env,
          PATH: `${node24}:${process.env.PATH}`,
          npm_config_prefer_offline: 'true',
        },
        encoding: 'utf8',
      });
      expect(build.stderr + build.stdout).not.toMatch(/ERR!/);
      expect(build.status).toBe(0);

      // Dev dependencies, and what only peers or tools need: optional peers of valibot (typescript)
      // and of terminus (sequelize, and moment and tedious through it; grpc).
      const toolsOnly = ['jest', 'ts-jest', 'azurite', 'eslint', 'prettier', 'typescript'];
      const peersOnly = ['sequelize', 'moment', 'tedious', '@grpc/grpc-js'];
      const installed = (name: string) =>
        existsSync(join(scratch, 'node_modules', name, 'package.json'));
      expect([...toolsOnly, ...peersOnly].filter(installed)).toEqual([]);
      expect(treeBytes(join(scratch, 'node_modules'))).toBeLessThanOrEqual(
        MAX_PRODUCTION_TREE_BYTES,
      );

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
        // The Swagger UI's static files come from a package of the pruned tree.
        const docs = await request(`${service.url}/docs`);
        // The operator CLI ships in the image and runs on production dependencies alone.
        const cli = spawnSync(
          join(node24, 'node'),
          ['dist/cli/main.js', '--json', 'jobs', 'list'],
          {
            cwd: scratch,
            env: { SCHEDULE_CACHE_URL: service.url, ADMIN_API_TOKEN: ADMIN_TOKEN },
            encoding: 'utf8',
          },
        );
        service.child.kill('SIGTERM');

        expect(ready.details.reads.upstream).toEqual({ status: 'up' });
        expect(docs.status).toBe(200);
        expect([cli.status, cli.stderr, cli.stdout]).toEqual([0, '', '[]\n']);
        expect(await service.exited).toBe(0);
      } finally {
        await sim.close();
      }
    },
    BUILD_TIMEOUT_MS,
  );
});
