import { InMemoryBlobStorage } from '../../test/support/in-memory-blob.storage';
import { LocalRefreshCoordinator } from '../../test/support/local-refresh.coordinator';
import { standaloneConfig } from '../../test/support/standalone-config';
import { ScriptedUpstream } from '../../test/support/scripted-upstream';
import { EMPTY_SCHEDULE } from '../domain/schedule-document';
import { ScheduleDate } from '../domain/schedule-key';
import { ScheduleRefreshService } from './schedule-refresh.service';

const DATE = '2025-12-03' as ScheduleDate;

describe(ScheduleRefreshService.name, () => {
  const config = standaloneConfig();
  let storage: InMemoryBlobStorage;
  let upstream: ScriptedUpstream;
  let service: ScheduleRefreshService;

  beforeEach(() => {
    storage = new InMemoryBlobStorage();
    upstream = new ScriptedUpstream([
      { JobInformationId: 1, ServiceCompanyId: 59 },
      { JobInformationId: 2, ServiceCompanyId: 137 },
      { JobInformationId: 3, ServiceCompanyId: 59 },
    ]);
    service = new ScheduleRefreshService(upstream, storage, config, new LocalRefreshCoordinator());
  });

  it('should store one document per company and a manifest of the companies with jobs', async () => {
    const result = await service.refresh(DATE);

    expect(result).toMatchObject({ companies: 2, written: 2, emptied: 0, failed: 0 });
    expect(storage.text('59/2025-12-03/schedule.json')).toBe(
      '{"Result":[{"JobInformationId":1,"ServiceCompanyId":59},{"JobInformationId":3,"ServiceCompanyId":59}],"Message":"Successfully retrieved 2 jobs","IsSuccess":true}',
    );
    const manifest = await service.readManifest(DATE);
    expect([...(manifest?.companies.keys() ?? [])].sort()).toEqual([137, 59]);
    expect(storage.blobs.get('59/2025-12-03/schedule.json')?.metadata).toMatchObject({
      jobs: '2',
      sha256: manifest?.companies.get(59 as never)?.sha256,
    });
  });

  it('should empty the document of a company whose jobs were all cancelled', async () => {
    await service.refresh(DATE);
    upstream.jobs = [{ JobInformationId: 1, ServiceCompanyId: 59 }];

    const result = await service.refresh(DATE);

    expect(result).toMatchObject({ written: 1, emptied: 1, failed: 0 });
    expect(storage.text('137/2025-12-03/schedule.json')).toBe(EMPTY_SCHEDULE.body.toString());
    const manifest = await service.readManifest(DATE);
    expect([...(manifest?.companies.keys() ?? [])]).toEqual([59]);
  });

  it('should read no answer while those held would exceed PREGEN_MEMORY_MB', async () => {
    const budgeted = new ScheduleRefreshService(
      upstream,
      storage,
      standaloneConfig({ PREGEN_MEMORY_MB: '2' }),
      new LocalRefreshCoordinator(),
    );
    upstream.answerBytes = 1024 * 1024;
    // Stores that take a while, so that refreshes overlap as in production.
    const write = storage.write.bind(storage);
    storage.write = async (name, blob) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return write(name, blob);
    };
    // Answers read and not yet stored, as each refresh starts reading its answer.
    const heldWhenRead: number[] = [];
    upstream.onReserved = () => {
      const stored = [...storage.blobs.keys()].filter((n) => n.startsWith('manifests/')).length;
      heldWhenRead.push(heldWhenRead.length + 1 - stored);
    };

    const dates = ['2025-12-03', '2025-12-04', '2025-12-05', '2025-12-06'] as ScheduleDate[];
    await Promise.all(dates.map((date) => budgeted.refresh(date)));

    expect(heldWhenRead).toHaveLength(4);
    expect(Math.max(...heldWhenRead)).toBe(2);
  });

  it('should share one upstream call between concurrent refreshes of a date', async () => {
    const refreshes = Array.from({ length: 10 }, () => service.start(DATE).documents);
    const answers = await Promise.all(refreshes);

    expect(upstream.calls).toBe(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('should call the upstream again once the previous refresh has finished', async () => {
    await service.refresh(DATE);
    await service.refresh(DATE);

    expect(upstream.calls).toBe(2);
  });

  it('should fetch anew when asked to refresh after an answer was already fetched', async () => {
    const miss = service.start(DATE);
    await miss.documents;
    upstream.jobs = [{ JobInformationId: 1, ServiceCompanyId: 59 }];

    const result = await service.refresh(DATE);

    expect(upstream.calls).toBe(2);
    expect(result).toMatchObject({ companies: 1, emptied: 1 });
  });

  it('should join a refresh that is still fetching', async () => {
    const first = service.refresh(DATE);
    const second = service.refresh(DATE);

    expect(await second).toBe(await first);
    expect(upstream.calls).toBe(1);
  });

  it('should drain every running refresh', async () => {
    const running = service.start(DATE);
    await running.documents;

    await service.drain();

    expect([...storage.blobs.keys()].sort()).toEqual([
      '137/2025-12-03/schedule.json',
      '59/2025-12-03/schedule.json',
      'manifests/2025-12-03.json',
    ]);
  });

  it('should not rewrite unchanged documents when asked to skip them', async () => {
    await service.refresh(DATE);
    const writesBefore = storage.writes;

    const result = await service.refresh(DATE, { skipUnchanged: true });

    expect(result).toMatchObject({ written: 0, unchanged: 2, failed: 0 });
    expect(storage.writes - writesBefore).toBe(1);
  });

  it('should keep the previous manifest when a company write fails, so a retry empties again', async () => {
    await service.refresh(DATE);
    upstream.jobs = [{ JobInformationId: 9, ServiceCompanyId: 59 }];
    storage.failWrites.add('137/2025-12-03/schedule.json');

    const failed = await service.refresh(DATE);
    expect(failed).toMatchObject({ written: 1, emptied: 0, failed: 1 });
    expect([...((await service.readManifest(DATE))?.companies.keys() ?? [])].sort()).toEqual([
      137, 59,
    ]);

    storage.failWrites.clear();
    expect(await service.refresh(DATE)).toMatchObject({ emptied: 1, failed: 0 });
  });

  it('should store nothing when the previous manifest cannot be read', async () => {
    storage.failReads = true;

    const result = await service.refresh(DATE);

    expect(result).toMatchObject({ written: 0, failed: 2 });
    expect(storage.writes).toBe(0);
  });
});
