/** Two replicas (one Redis prefix, one container) whose document has gone stale: scenarios 6, 7. */
import { BlobNames } from '../../src/blob/blob-names';
import { type ScheduleDate } from '../../src/domain/schedule-key';
import { type Context } from './context';
import { sleep, withStarted } from './processes';
import { scheduleUrl } from './schedule-http';
import { AUTH, startService, type Service } from './servers';

export const STALE_MAX_AGE_S = 1;

export interface StaleReplicas {
  services: Service[];
  /** The sim document's URL on each of `services`. */
  urls: string[];
}

/**
 * Starts two replicas with CACHE_MAX_AGE=STALE_MAX_AGE_S, pre-generates the sim document's date
 * and waits until it is stale; runs `use`; then resets the sim's faults and stops the replicas.
 */
export function withStaleReplicas<T>(
  ctx: Context,
  group: string,
  use: (replicas: StaleReplicas) => Promise<T>,
): Promise<T> {
  const { sim } = ctx.stack;
  const { companyId, date } = ctx.simDoc;
  return withStarted(async (start) => {
    try {
      const extra = {
        CACHE_MAX_AGE: String(STALE_MAX_AGE_S),
        // The refresh must outlive the stale-while-revalidate runs, not time out during them.
        UPSTREAM_TIMEOUT_MS: String(ctx.config.swrLatencyMs + 30_000),
      };
      const services: Service[] = [];
      for (const name of [`${group}-1`, `${group}-2`]) {
        services.push(await start(startService(ctx.env(group, extra), name)));
      }
      await pregenerate(ctx, group, services[0], date);
      return await use({
        services,
        urls: services.map((s) => scheduleUrl(s.url, date, companyId)),
      });
    } finally {
      sim.setFault('none');
      sim.setLatency(0, 0);
    }
  });
}

/** POST /api/admin/pregen for one date; done once the date's manifest (written last) exists. */
async function pregenerate(
  ctx: Context,
  group: string,
  service: Service,
  date: string,
): Promise<void> {
  const response = await fetch(`${service.url}/api/admin/pregen`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ dates: [date] }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 202) {
    throw new Error(`POST /api/admin/pregen: HTTP ${response.status} ${await response.text()}`);
  }
  const manifest = ctx.container(group).getBlobClient(BlobNames.manifest(date as ScheduleDate));
  const deadline = Date.now() + 60_000;
  while (!(await manifest.exists())) {
    if (Date.now() > deadline) {
      throw new Error(`pre-generation of ${date} did not finish within 60 s`);
    }
    await sleep(100);
  }
  // Past CACHE_MAX_AGE: every stored document of the date is stale now.
  await sleep(STALE_MAX_AGE_S * 1000 + 500);
}
