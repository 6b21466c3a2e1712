import { InMemoryBlobStorage } from '../../test/support/in-memory-blob.storage';
import { LocalRefreshCoordinator } from '../../test/support/local-refresh.coordinator';
import { ScriptedUpstream } from '../../test/support/scripted-upstream';
import { standaloneConfig } from '../../test/support/standalone-config';
import { waitFor } from '../../test/support/wait';
import { pregenDates } from '../domain/pregen-dates';
import { CompanyId } from '../domain/schedule-key';
import { MetricsService } from '../metrics/metrics.service';
import { RefreshRequests } from '../refresh/refresh-requests';
import { ScheduleRefreshService } from '../refresh/schedule-refresh.service';
import { CacheWarmUp } from './cache-warm-up.service';
import { DocumentCache } from './document-cache';
import { ScheduleService } from './schedule.service';
import { OperatorSwitches } from '../switches/operator-switches.service';
import { UpstreamReads } from './upstream-reads.service';

const COMPANIES = [59, 137, 211] as CompanyId[];
const ENV = { PREGEN_DAYS: '3', WARMUP_TIMEOUT_MS: '30000' };

class NoRequests extends RefreshRequests {
  requestRefresh(): Promise<void> {
    return Promise.resolve();
  }
}

describe(CacheWarmUp.name, () => {
  const window = pregenDates(new Date(), 'UTC', 3);
  let storage: InMemoryBlobStorage;
  let upstream: ScriptedUpstream;

  /** A starting replica over `storage`: its cache of `cacheBytes`, warmed up to the end. */
  async function warmReplica(cacheBytes: number, env: Record<string, string> = {}) {
    const config = standaloneConfig({ ...ENV, ...env });
    const coordinator = new LocalRefreshCoordinator();
    const refresher = new ScheduleRefreshService(upstream, storage, config, coordinator);
    const cache = new DocumentCache(cacheBytes);
    const schedules = new ScheduleService(
      storage,
      refresher,
      cache,
      new NoRequests(),
      config,
      coordinator,
      { serveMode: 'cache' } as OperatorSwitches,
      new UpstreamReads(upstream),
    );
    const warmUp = new CacheWarmUp(schedules, refresher, cache, new MetricsService(), config);
    warmUp.onApplicationBootstrap();
    await waitFor('the warm-up', () => warmUp.progress.state !== 'running');
    const held = (date: string) =>
      COMPANIES.filter((id) => cache.get(DocumentCache.key(date, id)) !== undefined);
    return { warmUp, schedules, held };
  }

  beforeEach(async () => {
    storage = new InMemoryBlobStorage();
    upstream = new ScriptedUpstream(
      COMPANIES.map((id, index) => ({ JobInformationId: index + 1, ServiceCompanyId: id })),
    );
    const writer = new ScheduleRefreshService(
      upstream,
      storage,
      standaloneConfig(ENV),
      new LocalRefreshCoordinator(),
    );
    for (const date of window) {
      await writer.refresh(date);
    }
    upstream.calls = 0;
  });

  it("should load every document of the window's dates, then answer them from memory", async () => {
    const { warmUp, schedules, held } = await warmReplica(64 * 1024 * 1024);
    storage.failReads = true;
    const answers = await Promise.all(
      window.map((date) => schedules.get({ companyId: COMPANIES[0], date })),
    );

    expect(warmUp.progress).toEqual({ state: 'complete', documents: 9 });
    expect(window.map(held)).toEqual([COMPANIES, COMPANIES, COMPANIES]);
    expect(answers.map((answer) => answer.state)).toEqual(['HIT', 'HIT', 'HIT']);
    expect(upstream.calls).toBe(0);
  });

  it('should load today first and stop before a document would evict another', async () => {
    const size = storage.blobs.get(`59/${window[0]}/schedule.json`)!.body.length + 1_024;
    const { warmUp, held } = await warmReplica(4 * size + size / 2);

    expect(warmUp.progress).toEqual({ state: 'memory full', documents: 4 });
    expect(held(window[0])).toEqual(COMPANIES);
    expect(held(window[1])).toHaveLength(1);
    expect(held(window[2])).toEqual([]);
  });

  it('should be ready at once, loading nothing, when WARMUP_TIMEOUT_MS is 0', async () => {
    const { warmUp, held } = await warmReplica(64 * 1024 * 1024, { WARMUP_TIMEOUT_MS: '0' });

    expect(warmUp.progress).toEqual({ state: 'off', documents: 0 });
    expect(window.map(held)).toEqual([[], [], []]);
  });
});
