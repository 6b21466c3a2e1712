import { DateRefreshResult } from '../../src/domain/refresh-result';
import { ListableState, JobView } from '../../src/pregen/pregen-jobs.service';
import { EnqueuedCycle } from '../../src/pregen/pregen-queue.service';
import { HttpAnswer, request } from './http';
import { ADMIN_TOKEN } from './test-app';
import { waitFor } from './wait';

/** A job as GET /api/admin/jobs lists it, with a refresh job's result typed. */
export type AdminJob = Omit<JobView, 'result'> & { result: DateRefreshResult | null };

export type { EnqueuedCycle };

/** POST /api/admin/pregen as the static admin: one job per date, the whole window by default. */
export function postPregen(base: string, dates?: string[]): Promise<HttpAnswer> {
  return request(`${base}/api/admin/pregen`, {
    method: 'POST',
    token: ADMIN_TOKEN,
    json: dates === undefined ? undefined : { dates },
  });
}

/** GET /api/admin/jobs as the static admin: up to 500 jobs, of one state or of every state. */
export async function listJobs(base: string, state?: ListableState): Promise<AdminJob[]> {
  const query = state === undefined ? '?limit=500' : `?state=${state}&limit=500`;
  const answer = await request(`${base}/api/admin/jobs${query}`, { token: ADMIN_TOKEN });
  if (answer.status !== 200) {
    throw new Error(`GET /api/admin/jobs${query}: HTTP ${answer.status} ${answer.text()}`);
  }
  return answer.json<AdminJob[]>();
}

/** Waits until every job of the cycle is listed as completed; returns them. */
export function completedJobs(base: string, cycle: EnqueuedCycle): Promise<AdminJob[]> {
  return waitFor(`cycle ${cycle.cycleId} to complete`, async () => {
    const done = (await listJobs(base, 'completed')).filter((job) => job.cycleId === cycle.cycleId);
    return done.length === cycle.jobs.length && done;
  });
}

/** Triggers a cycle for `dates` (default: the window) and waits until all its jobs completed. */
export async function runPregen(base: string, dates?: string[]): Promise<AdminJob[]> {
  const trigger = await postPregen(base, dates);
  if (trigger.status !== 202) {
    throw new Error(`POST /api/admin/pregen: HTTP ${trigger.status} ${trigger.text()}`);
  }
  return completedJobs(base, trigger.json<EnqueuedCycle>());
}
