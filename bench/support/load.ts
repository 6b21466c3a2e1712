/** Load runs (autocannon, or paced at a fixed rate) and the server CPU time they cost (/proc). */
import autocannon from 'autocannon';

import { type PacedLoadThread, type PacedOptions } from './paced-load';
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

/** What one run of either load generator answered. */
export interface LoadSummary {
  reqPerS: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Response bytes, headers included. */
  bytes: number;
  /** Answers by HTTP status. */
  statuses: Map<number, number>;
  /** Requests lost to connection errors or never answered. */
  errors: number;
}

export interface Measured {
  result: LoadSummary;
  /** Server CPU time (user + system) per completed request, microseconds; null if unreadable. */
  serverCpuUsPerRequest: number | null;
  /** Server CPU time / wall time (1 = one full core). */
  serverCores: number | null;
  /** This process (the load generator) likewise. */
  loadCores: number;
  /** Busy CPU of the whole machine / wall time (2 = both cores of a 2-core machine). */
  machineCores: number | null;
}

function autocannonSummary(r: autocannon.Result): LoadSummary {
  return {
    reqPerS: r.requests.mean,
    requests: r.requests.total,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    bytes: r.throughput.total,
    statuses: new Map(
      Object.entries(r.statusCodeStats).map(([code, { count }]) => [Number(code), count]),
    ),
    errors: r.errors + r.timeouts,
  };
}

/** One autocannon run against the server whose process id is `serverPid`. */
export function measure(serverPid: number, options: autocannon.Options): Promise<Measured> {
  return measureRun(serverPid, async () => autocannonSummary(await load(options)));
}

/** One run at a fixed rate, evenly paced by `generator` (see paced-load.ts). */
export function measurePaced(
  serverPid: number,
  generator: PacedLoadThread,
  options: PacedOptions,
): Promise<Measured> {
  return measureRun(serverPid, async () => {
    const r = await generator.run(options);
    return {
      reqPerS: r.reqPerS,
      requests: r.completed,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      bytes: r.bytes,
      statuses: r.statuses,
      errors: r.errors,
    };
  });
}

async function measureRun(serverPid: number, run: () => Promise<LoadSummary>): Promise<Measured> {
  const [cpuBefore, machineBefore] = [await procCpuSeconds(serverPid), await machineBusySeconds()];
  const loadBefore = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const wallS = (performance.now() - started) / 1000;
  const loadUsed = process.cpuUsage(loadBefore);
  const [cpuAfter, machineAfter] = [await procCpuSeconds(serverPid), await machineBusySeconds()];
  const serverS = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return {
    result,
    serverCpuUsPerRequest: serverS === null ? null : (serverS * 1e6) / Math.max(1, result.requests),
    serverCores: serverS === null ? null : serverS / wallS,
    loadCores: (loadUsed.user + loadUsed.system) / 1e6 / wallS,
    machineCores:
      machineBefore === null || machineAfter === null
        ? null
        : (machineAfter - machineBefore) / wallS,
  };
}
