/** Load generation with autocannon, and the server CPU time it costs (from /proc). */
import autocannon from 'autocannon';

import { machineBusySeconds, procCpuSeconds } from './proc-stats';

export function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => {
      if (err) {
        reject(err);
      } else {
        resolve(result);
      }
    });
  });
}

export interface Measured {
  result: autocannon.Result;
  /** Server CPU time (user + system) per completed request, microseconds; null if unreadable. */
  serverCpuUsPerRequest: number | null;
  /** Server CPU time / wall time (1 = one full core). */
  serverCores: number | null;
  /** This process (the load generator) likewise. */
  loadCores: number;
  /** Busy CPU of the whole machine / wall time (2 = both cores of a 2-core machine). */
  machineCores: number | null;
}

/** One autocannon run against the server whose process id is `serverPid`. */
export async function measure(serverPid: number, options: autocannon.Options): Promise<Measured> {
  const [cpuBefore, machineBefore] = [await procCpuSeconds(serverPid), await machineBusySeconds()];
  const loadBefore = process.cpuUsage();
  const started = performance.now();
  const result = await load(options);
  const wallS = (performance.now() - started) / 1000;
  const loadUsed = process.cpuUsage(loadBefore);
  const [cpuAfter, machineAfter] = [await procCpuSeconds(serverPid), await machineBusySeconds()];
  const serverS = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return {
    result,
    serverCpuUsPerRequest:
      serverS === null ? null : (serverS * 1e6) / Math.max(1, result.requests.total),
    serverCores: serverS === null ? null : serverS / wallS,
    loadCores: (loadUsed.user + loadUsed.system) / 1e6 / wallS,
    machineCores:
      machineBefore === null || machineAfter === null
        ? null
        : (machineAfter - machineBefore) / wallS,
  };
}
