import { InMemoryBlobStorage } from '../../test/support/in-memory-blob.storage';
import { standaloneConfig } from '../../test/support/standalone-config';
import { ScheduleDate } from '../domain/schedule-key';
import { MetricsService } from '../metrics/metrics.service';
import { ScheduleRetention } from './schedule-retention.service';

const TODAY = '2026-12-04' as ScheduleDate;

describe(ScheduleRetention.name, () => {
  let storage: InMemoryBlobStorage;
  let metrics: MetricsService;

  const retention = (env: Record<string, string> = {}) =>
    new ScheduleRetention(storage, metrics, standaloneConfig({ RETENTION_DAYS: '2', ...env }));

  const seed = (names: string[]) =>
    Promise.all(
      names.map((name) =>
        storage.write(name, { body: Buffer.from('{}'), contentType: 'application/json' }),
      ),
    );

  beforeEach(() => {
    storage = new InMemoryBlobStorage();
    metrics = new MetricsService();
  });

  it('should delete the documents and manifests of dates before today minus RETENTION_DAYS', async () => {
    const kept = [
      '7/2026-12-02/schedule.json',
      '7/2026-12-04/schedule.json',
      '7/2026-12-10/schedule.json',
      'manifests/2026-12-02.json',
      'manifests/2026-12-04.json',
      'manifests/2026-12-05.json',
      'users/users.json',
      'feature-toggles/7.json',
      'health/probe',
    ];
    const old = [
      '7/2026-12-01/schedule.json',
      '12/2026-12-01/schedule.json',
      '7/2025-12-30/schedule.json',
      'manifests/2026-12-01.json',
      'manifests/2025-12-30.json',
    ];
    await seed([...kept, ...old]);

    const result = await retention().run(TODAY);

    expect(result).toEqual({ keptFrom: '2026-12-02', deleted: 5 });
    expect([...storage.blobs.keys()].sort()).toEqual([...kept].sort());
  });

  it('should go through every page and delete nothing more when run again', async () => {
    const names = Array.from({ length: 2_500 }, (_, i) => `${i + 1}/2026-11-01/schedule.json`);
    await seed([...names, 'manifests/2026-11-01.json', '1/2026-12-04/schedule.json']);

    const first = await retention().run(TODAY);
    const second = await retention().run(TODAY);

    expect([first.deleted, second.deleted]).toEqual([2_501, 0]);
    expect([...storage.blobs.keys()]).toEqual(['1/2026-12-04/schedule.json']);
    const text = await metrics.registry.metrics();
    expect(text).toContain('schedule_cache_retention_runs_total{status="completed"} 2');
    expect(text).toContain('schedule_cache_retention_deleted_blobs_total 2501');
  });

  it('should refuse to run when RETENTION_DAYS is 0', async () => {
    await seed(['7/2020-01-01/schedule.json']);

    await expect(retention({ RETENTION_DAYS: '0' }).run(TODAY)).rejects.toThrow(
      'RETENTION_DAYS is 0',
    );
    expect(storage.blobs.size).toBe(1);
  });
});
