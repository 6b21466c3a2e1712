import { BlobServiceClient } from '@azure/storage-blob';
import { addDays, pregenDates } from '../src/domain/pregen-dates';
import { ScheduleDate } from '../src/domain/schedule-key';
import { ScheduleRetention } from '../src/retention/schedule-retention.service';
import { listJobs } from './support/admin-api';
import { blobNames, startTestApp, uniqueContainer } from './support/test-app';
import { waitFor } from './support/wait';

const RETENTION_DAYS = 3;
// Far from any test run: only the retention cron ticks here.
const NEVER = '0 0 1 1 *';

/** Days from today: deleted before −RETENTION_DAYS, kept from it on. */
const OFFSETS = [-40, -5, -4, -3, -1, 0, 1, 30];
const COMPANIES = [7, 12];

function blobsOf(date: ScheduleDate): string[] {
  return [`manifests/${date}.json`, ...COMPANIES.map((id) => `${id}/${date}/schedule.json`)];
}

describe('Retention: the daily job deletes the documents and manifests of old dates', () => {
  it('should delete exactly the dates before today minus RETENTION_DAYS, once a day, idempotently', async () => {
    const connectionString = process.env.TEST_AZURE_STORAGE_CONNECTION_STRING ?? '';
    const container = uniqueContainer();
    const client = BlobServiceClient.fromConnectionString(connectionString);
    const containerClient = client.getContainerClient(container);
    await containerClient.create();
    const [today] = pregenDates(new Date(), 'UTC', 1);
    const others = ['users/users.json', 'feature-toggles/7.json'];
    const seeded = [...OFFSETS.flatMap((offset) => blobsOf(addDays(today, offset))), ...others];
    await Promise.all(
      seeded.map((name) => containerClient.getBlockBlobClient(name).upload('{}', 2)),
    );
    const stack = await startTestApp({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9',
      BLOB_CONTAINER: container,
      PREGEN_ENABLED: 'true',
      PREGEN_CRON: NEVER,
      USERS_SYNC_CRON: NEVER,
      RETENTION_DAYS: String(RETENTION_DAYS),
      RETENTION_CRON: '* * * * * *',
    });
    try {
      const job = await waitFor('the retention job', async () =>
        (await listJobs(stack.url, 'completed')).find((j) => j.name === 'retention'),
      );
      const jobDate = job.date as ScheduleDate;
      const afterJob = await blobNames(stack.config.blob);
      const again = await stack.app.get(ScheduleRetention).run(jobDate);
      const afterAgain = await blobNames(stack.config.blob);
      const jobs = (await listJobs(stack.url)).filter((j) => j.name === 'retention');
      const kept = [
        ...OFFSETS.filter((offset) => offset >= -RETENTION_DAYS).flatMap((offset) =>
          blobsOf(addDays(jobDate, offset)),
        ),
        ...others,
      ].sort();

      expect(job.id).toBe(`retention:${jobDate}`);
      expect(job.result).toEqual({
        keptFrom: addDays(jobDate, -RETENTION_DAYS),
        deleted: 3 * blobsOf(jobDate).length,
      });
      expect(afterJob).toEqual(kept);
      expect(again).toEqual({ keptFrom: addDays(jobDate, -RETENTION_DAYS), deleted: 0 });
      expect(afterAgain).toEqual(kept);
      expect(jobs.map((j) => j.id)).toEqual([`retention:${jobDate}`]);
    } finally {
      await stack.close();
    }
  });
});
