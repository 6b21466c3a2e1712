/** The report of `npm run bench:pregen`: a summary table and each cycle's details. */
import * as os from 'node:os';

import { fixed } from '../support/report';
import { RSS_SAMPLE_MS, sum, type RunResult } from './cycle';

const MIB = 1024 * 1024;
const TARGET_S: Readonly<Record<number, number>> = { 100: 10, 1000: 30 };

const mib = (bytes: number | null): string => (bytes === null ? 'n/a' : fixed(bytes / MIB, 0));

export function targetMet(run: RunResult): boolean | null {
  const target = TARGET_S[run.companies];
  if (target === undefined || run.wallS === null) {
    return null;
  }
  return run.ok && run.wallS < target;
}

export function summaryTable(runs: RunResult[]): string {
  const lines = [
    '| companies | wall s | docs | docs/s | MB | upstream calls | peak RSS MB | target | met? |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const run of runs) {
    const target = TARGET_S[run.companies];
    const met = targetMet(run);
    const rate = run.wallS && run.docs > 0 ? run.docs / run.wallS : null;
    lines.push(
      `| ${run.companies} | ${fixed(run.wallS, 1)} | ${run.docs} | ${fixed(rate, 0)} | ` +
        `${fixed(run.bytes / MIB, 1)} | ${run.upstreamCalls ?? 'n/a'} | ${mib(run.peakRssBytes)} | ` +
        `${target === undefined ? '—' : `< ${target} s`} | ` +
        `${run.ok ? (met === null ? '—' : met ? 'yes' : 'no') : 'FAILED'} |`,
    );
  }
  return lines.join('\n');
}

export function runDetails(run: RunResult): string {
  const out: string[] = [`### ${run.companies} companies${run.ok ? '' : ' (FAILED)'}`, ''];
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
      `- service RSS: VmHWM ${mib(run.peakRssBytes)} MB; max sampled VmRSS ` +
        `${mib(run.sampledRss.maxBytes)} MB (${run.sampledRss.samples} samples every ${RSS_SAMPLE_MS} ms)`,
    );
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
