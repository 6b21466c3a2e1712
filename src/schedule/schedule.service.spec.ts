import { InMemoryBlobStorage } from '../../test/support/in-memory-blob.storage';
import { LocalRefreshCoordinator } from '../../test/support/local-refresh.coordinator';
import { ScriptedUpstream } from '../../test/support/scripted-upstream';
import { standaloneConfig } from '../../test/support/standalone-config';
import { DocumentCache } from './document-cache';
import { RefreshRequests } from '../refresh/refresh-requests';
import { CompanyId, ScheduleDate, ScheduleKey } from '../domain/schedule-key';
import { ScheduleRefreshService } from '../refresh/schedule-refresh.service';
import { DocumentView, ScheduleService } from './schedule.service';
import { ServeMode } from '../config/env.dto';
import { OperatorSwitches } from '../switches/operator-switches.service';
import { UpstreamReads } from './upstream-reads.service';

const KEY: ScheduleKey = { companyId: 59 as CompanyId, date: '2025-12-03' as ScheduleDate };

class RecordedRequests extends RefreshRequests {
  readonly requests: string[] = [];
  requestRefresh(date: ScheduleDate, version: string): Promise<void> {
    this.requests.push(`${date}@${version}`);
    return Promise.resolve();
  }
}

describe(ScheduleService.name, () => {
  let storage: InMemoryBlobStorage;
  let upstream: ScriptedUpstream;
  let requests: RecordedRequests;
  let refresher: ScheduleRefreshService;
  let coordinator: LocalRefreshCoordinator;
  let switches: { serveMode: ServeMode };

  function service(env: Record<string, string> = {}): ScheduleService {
    const config = standaloneConfig(env);
    refresher = new ScheduleRefreshService(upstream, storage, config, coordinator);
    const cache = new DocumentCache(config.cache.memoryBytes);
    return new ScheduleService(
      storage,
      refresher,
      cache,
      requests,
      config,
      coordinator,
      switches as OperatorSwitches,
      new UpstreamReads(upstream),
    );
  }

  beforeEach(() => {
    storage = new InMemoryBlobStorage();
    upstream = new ScriptedUpstream([
      { JobInformationId: 1, ServiceCompanyId: 59 },
      { JobInformationId: 2, ServiceCompanyId: 137 },
    ]);
    requests = new RecordedRequests();
    coordinator = new LocalRefreshCoordinator();
    switches = { serveMode: 'cache' };
  });

  describe('in serve mode upstream', () => {
    it('should answer every read BYPASS from a fresh legacy call, storing nothing', async () => {
      const schedules = service();
      await schedules.get(KEY);
      await refresher.drain();
      const writes = storage.writes;
      switches.serveMode = 'upstream';
      storage.failReads = true;

      const first = await schedules.get(KEY);
      const second = await schedules.get(KEY);

      expect([first.state, second.state]).toEqual(['BYPASS', 'BYPASS']);
      expect(upstream.calls).toBe(3);
      expect(storage.writes).toBe(writes);
      expect(second.document.body.toString()).toContain('"JobInformationId":1');
    });

    it('should share one legacy call among concurrent reads of a date', async () => {
      const schedules = service();
      switches.serveMode = 'upstream';

      const answers = await Promise.all([
        schedules.get(KEY),
        schedules.get({ ...KEY, companyId: 137 as CompanyId }),
        schedules.get(KEY),
      ]);

      expect(answers.map((answer) => answer.state)).toEqual(['BYPASS', 'BYPASS', 'BYPASS']);
      expect(upstream.calls).toBe(1);
      expect(storage.writes).toBe(0);
    });

    it('should answer from the cache again once switched back', async () => {
      const schedules = service();
      switches.serveMode = 'upstream';
      await schedules.get(KEY);
      switches.serveMode = 'cache';

      const miss = await schedules.get(KEY);
      await refresher.drain();
      const hit = await schedules.get(KEY);

      expect([miss.state, hit.state]).toEqual(['MISS', 'HIT']);
    });
  });

  it('should answer MISS, then HIT from memory without reading storage again', async () => {
    const schedules = service();

    const miss = await schedules.get(KEY);
    await refresher.drain();
    const first = await schedules.get(KEY);
    storage.failReads = true;
    const second = await schedules.get(KEY);

    expect(miss.state).toBe('MISS');
    expect([first.state, second.state]).toEqual(['HIT', 'HIT']);
    expect(second.document.body.equals(miss.document.body)).toBe(true);
    expect(upstream.calls).toBe(1);
  });

  it('should drop the cached document when a refresh of its date is announced', async () => {
    const schedules = service();
    await schedules.get(KEY);
    await refresher.drain();
    const before = await schedules.get(KEY);

    upstream.jobs = [{ JobInformationId: 3, ServiceCompanyId: 59 }];
    await refresher.refresh(KEY.date);
    const after = await schedules.get(KEY);

    expect(after.document.etag).not.toBe(before.document.etag);
    expect(after.document.body.toString()).toContain('"JobInformationId":3');
  });

  it('should keep an unchanged document in memory, fresh as of the refresh that confirmed it', async () => {
    const schedules = service();
    await schedules.get(KEY);
    await refresher.drain();
    const before = await schedules.get(KEY);
    const firstFresh = before.document.freshAt;

    await new Promise((resolve) => setTimeout(resolve, 5));
    await refresher.refresh(KEY.date, { skipUnchanged: true });
    storage.failReads = true;
    const after = await schedules.get(KEY);

    expect(after.document).toBe(before.document);
    expect(after.state).toBe('HIT');
    expect(after.document.freshAt).toBeGreaterThan(firstFresh);
    expect(coordinator.outcomes.at(-1)?.freshness?.changed).toEqual([]);
  });

  it('should read what another replica stored instead of calling the upstream', async () => {
    const name = '59/2025-12-03/schedule.json';
    await service().get(KEY);
    await refresher.drain();
    const stored = storage.blobs.get(name)!;
    const outcome = coordinator.outcomes[0];
    storage.blobs.delete(name);
    jest.spyOn(coordinator, 'claim').mockImplementation(() => {
      // The other replica stores the document while this one waits for its outcome.
      storage.blobs.set(name, stored);
      return Promise.resolve({ kind: 'outcome', outcome });
    });

    const answer = await service().get(KEY);

    expect(answer.state).toBe('MISS');
    expect(answer.document.body.equals(stored.body)).toBe(true);
    expect(upstream.calls).toBe(1);
  });

  it('should serve a document older than CACHE_MAX_AGE as STALE and ask for one refresh', async () => {
    const schedules = service({ CACHE_MAX_AGE: '1' });
    await schedules.get(KEY);
    await refresher.drain();
    const old = storage.blobs.get('59/2025-12-03/schedule.json')!;
    storage.blobs.set('59/2025-12-03/schedule.json', {
      ...old,
      metadata: { ...old.metadata, generatedat: '2025-01-01T00:00:00.000Z' },
    });
    await storage.delete('manifests/2025-12-03.json');

    const answers = [await schedules.get(KEY), await schedules.get(KEY), await schedules.get(KEY)];

    expect(answers.map((answer) => answer.state)).toEqual(['STALE', 'STALE', 'STALE']);
    expect(requests.requests).toHaveLength(1);
    expect(requests.requests[0]).toMatch(/^2025-12-03@1735689600000-\d+$/);
    expect(upstream.calls).toBe(1);
  });

  it('should render a view once per document and cache it beside the document', async () => {
    const schedules = service();
    let renders = 0;
    const view: DocumentView = {
      id: 'tech:4410:v1',
      render: (body) => ((renders += 1), Buffer.from(body.toString().toUpperCase())),
    };
    await schedules.get(KEY);
    await refresher.drain();

    const first = await schedules.get(KEY, view);
    const second = await schedules.get(KEY, view);
    const plain = await schedules.get(KEY);

    expect(first.document.body.toString()).toContain('"JOBINFORMATIONID":1');
    expect(second.document).toBe(first.document);
    expect(plain.document.body.toString()).toContain('"JobInformationId":1');
    expect(first.document.etag).not.toBe(plain.document.etag);
    expect(renders).toBe(1);
  });
});
