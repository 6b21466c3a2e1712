import { UpstreamSim } from '../../tools/upstream-sim/upstream-sim';

/** The simulator's companies that have jobs on `date`, in its order. */
export function companiesWithJobs(sim: UpstreamSim, date: string): number[] {
  return sim.companyIds().filter((id) => sim.jobsFor(date, id).length > 0);
}

/** The first company with jobs on `date`. */
export function companyWithJobs(sim: UpstreamSim, date: string): number {
  const [first] = companiesWithJobs(sim, date);
  if (first === undefined) {
    throw new Error(`the simulator has no jobs on ${date}`);
  }
  return first;
}

/** The blobs a refresh of `date` stores, sorted: its manifest, a document per company with jobs. */
export function refreshedBlobNames(sim: UpstreamSim, date: string): string[] {
  return [
    `manifests/${date}.json`,
    ...companiesWithJobs(sim, date).map((id) => `${id}/${date}/schedule.json`),
  ].sort();
}
