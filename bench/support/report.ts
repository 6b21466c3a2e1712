/** What `npm run bench` reports: summary rows, every load run, details; and their tables. */
import { cpus } from 'node:os';

import { type Measured } from './load';
import { log } from './processes';

/** One line of the summary table. */
export interface Row {
  scenario: string;
  reqPerS: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  baseline: string;
  ratio: string;
  goal: string;
  pass: boolean | null;
}

/** One load run, for the resource table. */
export interface Run {
  label: string;
  measured: Measured;
}

/** autocannon's whole milliseconds as they are; the paced runs' fractions to 0.1 ms. */
export const formatMs = (value: number | null): string =>
  value === null ? '—' : Number.isInteger(value) ? String(value) : value.toFixed(1);

export const fixed = (value: number | null, digits: number): string =>
  value === null || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);

export class Report {
  readonly rows: Row[] = [];
  readonly runs: Run[] = [];
  readonly details: string[] = [];
  errors = 0;

  detail(line: string): void {
    this.details.push(`- ${line}`);
    log(line);
  }

  run(label: string, measured: Measured): Measured {
    this.runs.push({ label, measured });
    const r = measured.result;
    log(
      `${label}: ${r.reqPerS.toFixed(0)} req/s, p50 ${formatMs(r.p50Ms)} ms, ` +
        `p99 ${formatMs(r.p99Ms)} ms, server ${fixed(measured.serverCpuUsPerRequest, 0)} µs/req`,
    );
    return measured;
  }

  /** The row of a scenario that could not run. */
  error(scenario: string, error: unknown): Row {
    this.errors++;
    const message = error instanceof Error ? error.message : String(error);
    this.detail(`${scenario}: ERROR ${message.slice(0, 2000)}`);
    return {
      scenario,
      reqPerS: null,
      p50Ms: null,
      p99Ms: null,
      baseline: '—',
      ratio: `error: ${message.split('\n')[0].slice(0, 120)}`,
      goal: '—',
      pass: false,
    };
  }
}

export function summaryTable(rows: Row[]): string {
  const lines = [
    '| scenario | req/s | p50 ms | p99 ms | baseline | ratio / result | goal | pass |',
    '| --- | ---: | ---: | ---: | --- | --- | --- | --- |',
  ];
  // An error message may hold a '|', which would split the cell.
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  for (const row of rows) {
    lines.push(
      `| ${row.scenario} | ${row.reqPerS === null ? '—' : fixed(row.reqPerS, 0)} | ` +
        `${formatMs(row.p50Ms)} | ${formatMs(row.p99Ms)} | ${cell(row.baseline)} | ${cell(row.ratio)} | ${row.goal} | ` +
        `${row.pass === null ? 'n/a' : row.pass ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

/** Busy CPU of everything but the server and the load generator, in cores. */
function othersCores(m: Measured): number | null {
  return m.machineCores === null || m.serverCores === null
    ? null
    : Math.max(0, m.machineCores - m.serverCores - m.loadCores);
}

/** A warning when other processes took a large share of the CPU during the load runs. */
export function contention(runs: Run[]): string[] {
  const others = runs
    .map((run) => othersCores(run.measured))
    .filter((c): c is number => c !== null);
  if (others.length === 0) {
    return [];
  }
  const mean = others.reduce((a, b) => a + b, 0) / others.length;
  return mean < 0.5
    ? []
    : [
        '',
        `**Contended run:** processes other than the server under load and the load generator ` +
          `used ${(mean * 100).toFixed(0)} % CPU on average during the load runs (of ` +
          `${cpus().length * 100} %): the throughput and latency ratios are unreliable; rerun on ` +
          'an idle machine. Server CPU per request is the least affected number.',
      ];
}

export function runsTable(runs: Run[]): string {
  const pct = (value: number | null): string =>
    value === null ? 'n/a' : `${(value * 100).toFixed(0)} %`;
  const lines = [
    '| run | req/s | p50 ms | p99 ms | KB/response | server CPU µs/req | server CPU | load generator CPU | rest of the machine |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { label, measured: m } of runs) {
    const r = m.result;
    lines.push(
      `| ${label} | ${r.reqPerS.toFixed(0)} | ${formatMs(r.p50Ms)} | ${formatMs(r.p99Ms)} | ` +
        `${(r.bytes / Math.max(1, r.requests) / 1024).toFixed(1)} | ` +
        `${fixed(m.serverCpuUsPerRequest, 0)} | ${pct(m.serverCores)} | ${pct(m.loadCores)} | ` +
        `${pct(othersCores(m))} |`,
    );
  }
  return lines.join('\n');
}
