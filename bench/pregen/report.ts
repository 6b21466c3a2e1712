/** The report of `npm run bench:pregen`: a summary table and each cycle's details. */
import * as os from 'node:os';

import { fixed } from '../support/report';
import { DAYS, DEFAULT_CONCURRENCY, type BenchConfig } from './config';
import { RSS_SAMPLE_MS, sum, type RunResult } from './cycle';

const MIB = 1024 * 1024;
/** Cycle overhead beyond the slowest upstream call at PREGEN_CONCURRENCY = PREGEN_DAYS (issue goal 3). */
const OVERHEAD_GOAL_S: Readonly<Record<number, number>> = { 100: 1, 1000: 5 };
/** Peak RSS of a 1,000-company cycle at default settings (issue goal 2). */
const DEFAULT_SETTINGS_RSS_GOAL_MB: Readonly<Record<number, number>> = { 1000: 512 };
/** The pod's memory limit (deploy/k8s/deployment.yaml): every cycle must fit. */
export const POD_LIMIT_MB = 1536;

const mib = (bytes: number | null): string => (bytes === null ? 'n/a' : fixed(bytes / MIB, 0));

/** Slowest simulated upstream call of the cycle, in seconds. */
function slowestUpstreamS(run: RunResult): number | null {
  const delays = Object.values(run.simDelays).flat();
  return delays.length === 0 ? null : Math.max(...delays) / 1000;
}

/** Cycle wall time minus its slowest upstream call: what the service adds. */
export function overheadS(run: RunResult): number | null {
  const slowest = slowestUpstreamS(run);
  return run.wallS === null || slowest === null ? null : run.wallS - slowest;
}

interface Goals {
  overheadS: number | undefined;
  rssMb: number;
}

function goalsOf(run: RunResult, config: BenchConfig): Goals {
  const defaults =
    run.concurrency === DEFAULT_CONCURRENCY && Object.keys(config.service).length === 0;
  return {
    overheadS: run.concurrency === DAYS ? OVERHEAD_GOAL_S[run.companies] : undefined,
    rssMb: (defaults ? DEFAULT_SETTINGS_RSS_GOAL_MB[run.companies] : undefined) ?? POD_LIMIT_MB,
  };
}

/** What the run missed of its goals; empty when it met them all. */
function missed(run: RunResult, config: BenchConfig): string[] {
  const goals = goalsOf(run, config);
  const out: string[] = [];
  const overhead = overheadS(run);
  if (goals.overheadS !== undefined && (overhead === null || overhead > goals.overheadS)) {
    out.push('overhead');
  }
  if (run.peakRssBytes === null || run.peakRssBytes / MIB > goals.rssMb) {
    out.push('RSS');
  }
  return out;
}

export function targetMet(run: RunResult, config: BenchConfig): boolean {
  return run.ok && missed(run, config).length === 0;
}

export function summaryTable(runs: RunResult[], config: BenchConfig): string {
  const lines = [
    '| companies | PREGEN_CONCURRENCY | wall s | slowest upstream s | overhead s | goal | peak RSS MB | goal | service CPU s | Azurite CPU s | sim CPU s | rest of machine CPU s | docs | MB | upstream calls | verdict |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const run of runs) {
    const goals = goalsOf(run, config);
    const misses = missed(run, config);
    const verdict = !run.ok
      ? 'FAILED'
      : misses.length === 0
        ? 'met'
        : `missed: ${misses.join(', ')}`;
    const cpu = (name: string) => fixed(run.cpuSeconds[name] ?? null, 1);
    lines.push(
      `| ${run.companies} | ${run.concurrency} | ${fixed(run.wallS, 1)} | ${fixed(slowestUpstreamS(run), 1)} | ` +
        `${fixed(overheadS(run), 1)} | ${goals.overheadS === undefined ? '—' : `≤ ${goals.overheadS}`} | ` +
        `${mib(run.peakRssBytes)} | ≤ ${goals.rssMb}${goals.rssMb === POD_LIMIT_MB ? ' (pod)' : ''} | ` +
        `${cpu('service')} | ${cpu('azurite')} | ${cpu('upstream-sim')} | ${fixed(run.otherCpuSeconds, 1)} | ` +
        `${run.docs} | ${fixed(run.bytes / MIB, 1)} | ${run.upstreamCalls ?? 'n/a'} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

export function runDetails(run: RunResult): string {
  const out: string[] = [
    `### ${run.companies} companies, PREGEN_CONCURRENCY=${run.concurrency}${run.ok ? '' : ' (FAILED)'}`,
    '',
  ];
  for (const problem of run.problems) {
    out.push(`- problem: ${problem}`);
  }
  if (run.warm.length > 0) {
    const ms = run.warm.map((w) => w.ms);
    const bytes = run.warm.map((w) => w.bytes);
    out.push(
      `- sim warm-up (data generation, not measured): ${fixed(sum(ms) / 1000, 1)} s for ` +
        `${run.warm.length} dates (${fixed(Math.min(...ms) / 1000, 2)}-${fixed(Math.max(...ms) / 1000, 2)} s each), ` +
        `upstream answer ${fixed(Math.min(...bytes) / MIB, 1)}-${fixed(Math.max(...bytes) / MIB, 1)} MB per date`,
    );
  }
  out.push(
    `- wall: trigger → last job finished ${fixed(run.wallS, 2)} s; trigger → poll saw it ` +
      `${fixed(run.polledWallS, 2)} s; first job created → last finished ${fixed(run.jobSpanS, 2)} s`,
  );
  if (run.sampledRss) {
    out.push(
      `- service RSS (one process: main thread and upstream thread): VmHWM ${mib(run.peakRssBytes)} MB ` +
        `of the pod's ${POD_LIMIT_MB}; max sampled VmRSS ${mib(run.sampledRss.maxRssBytes)} MB ` +
        `(${run.sampledRss.samples} samples every ${RSS_SAMPLE_MS} ms)`,
    );
    const peak = run.sampledRss.atPeak;
    if (peak) {
      const rest = peak.rssBytes - peak.mainHeapTotalBytes - peak.mainExternalBytes;
      out.push(
        `- at the highest sample with /metrics (VmRSS ${mib(peak.rssBytes)} MB): main thread V8 heap ` +
          `${mib(peak.mainHeapUsedBytes)} MB used of ${mib(peak.mainHeapTotalBytes)} MB, main thread ` +
          `buffers (external: the received documents, upload buffers) ${mib(peak.mainExternalBytes)} MB, ` +
          `rest ${mib(rest)} MB (the upstream thread's heap and buffers, code, native)`,
      );
    }
  }
  const hwm = Object.entries(run.otherHwm).map(([name, bytes]) => `${name} ${mib(bytes)} MB`);
  if (hwm.length > 0) {
    out.push(`- peak RSS of the others: ${hwm.join(', ')}`);
  }
  const cpu = Object.entries(run.cpuSeconds).map(([name, s]) => `${name} ${fixed(s, 1)} s`);
  if (cpu.length > 0 && run.wallS !== null) {
    const total = sum(Object.values(run.cpuSeconds).map((s) => s ?? 0));
    out.push(
      `- CPU time during the cycle (${os.cpus().length} cores × ${fixed(run.polledWallS, 1)} s available): ` +
        `${cpu.join(', ')}; total ${fixed(total, 1)} s; rest of the machine ` +
        `${fixed(run.otherCpuSeconds, 1)} s (this benchmark, kernel, anything else running)`,
    );
  }
  if (run.jobs.length > 0) {
    const results = run.jobs.flatMap((job) => (job.result ? [job.result] : []));
    if (results.length > 0) {
      const range = (values: number[]): string => `${Math.min(...values)}-${Math.max(...values)}`;
      out.push(
        `- per job: upstreamMs ${range(results.map((r) => r.upstreamMs))}, ` +
          `durationMs ${range(results.map((r) => r.durationMs))}, ` +
          `storing (durationMs − upstreamMs) ${range(results.map((r) => r.durationMs - r.upstreamMs))}`,
      );
      const overheads = run.jobs.flatMap((job) => {
        const delays = run.simDelays[job.date] ?? [];
        return job.result && delays.length === 1 ? [job.result.upstreamMs - delays[0]] : [];
      });
      if (overheads.length > 0) {
        out.push(
          `- upstreamMs beyond the simulated latency (transfer, waiting for PREGEN_MEMORY_MB, ` +
            `the streamed split and hashing): ${range(overheads)} ms`,
        );
      }
    }
    out.push(
      '',
      '| date | state | attemptsMade | queued ms | sim latency ms | upstreamMs | upstreamMs − latency | durationMs | store ms | finished at s | companies | written | emptied | unchanged | MB |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    const firstCreated = Math.min(...run.jobs.map((job) => job.createdAt));
    for (const job of run.jobs) {
      const r = job.result;
      const queued = job.processedAt === null ? null : job.processedAt - job.createdAt;
      const finished = job.finishedAt === null ? null : (job.finishedAt - firstCreated) / 1000;
      const delays = run.simDelays[job.date] ?? [];
      const latency = delays.length === 1 ? delays[0] : null;
      const overhead = r && latency !== null ? r.upstreamMs - latency : null;
      out.push(
        `| ${job.date} | ${job.state} | ${job.attempts} | ${fixed(queued, 0)} | ` +
          `${delays.length > 0 ? delays.join('+') : 'n/a'} | ${r?.upstreamMs ?? 'n/a'} | ` +
          `${fixed(overhead, 0)} | ${r?.durationMs ?? 'n/a'} | ` +
          `${r ? r.durationMs - r.upstreamMs : 'n/a'} | ${fixed(finished, 2)} | ` +
          `${r?.companies ?? 'n/a'} | ${r?.written ?? 'n/a'} | ${r?.emptied ?? 'n/a'} | ` +
          `${r?.unchanged ?? 'n/a'} | ${r ? fixed(r.bytes / MIB, 1) : 'n/a'} |`,
      );
    }
  }
  if (run.serviceLog.length > 0) {
    out.push('', `service log (LOG_LEVEL=warn): ${run.serviceLog.length} lines; last ones:`, '');
    for (const line of run.serviceLog.slice(-8)) {
      out.push(`    ${line.slice(0, 400)}`);
    }
  }
  return out.join('\n');
}
