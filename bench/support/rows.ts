/** Summary rows that compare a measured subject with its baseline from the same run. */
import { type Measured } from './load';
import { fixed, type Row } from './report';

/** The item whose `value` is the median (the upper one of an even count). */
export function medianBy<T>(items: T[], value: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => value(a) - value(b));
  return sorted[Math.floor(sorted.length / 2)];
}

export function median(values: number[]): number {
  return medianBy(values, (v) => v);
}

/** Problems with a run's answers: anything but `expected` statuses, errors, timeouts. */
export function runProblems(m: Measured, expected: number): string | null {
  const r = m.result;
  const other = [...r.statuses].filter(([code]) => code !== expected);
  const parts = [
    ...other.map(([code, count]) => `${count}× HTTP ${code}`),
    ...(r.errors > 0 ? [`${r.errors} errors or timeouts`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : null;
}

/** ` (problem; problem)` after a result, or nothing. */
export function problemsSuffix(problems: (string | null)[]): string {
  const found = problems.filter((p): p is string => p !== null);
  return found.length > 0 ? ` (${found.join('; ')})` : '';
}

/** A row with the subject's req/s and latency (none when `subject` is null). */
export function row(
  scenario: string,
  subject: Measured | null,
  fields: Pick<Row, 'baseline' | 'ratio' | 'goal' | 'pass'>,
): Row {
  const r = subject?.result;
  return {
    scenario,
    reqPerS: r ? r.reqPerS : null,
    p50Ms: r ? r.p50Ms : null,
    p99Ms: r ? r.p99Ms : null,
    ...fields,
  };
}

/** Throughput ratio row: subject req/s ÷ baseline req/s against `min`. */
export function ratioRow(
  scenario: string,
  subject: Measured,
  baseline: Measured,
  baselineName: string,
  min: number,
): Row {
  const ratio = subject.result.reqPerS / Math.max(1, baseline.result.reqPerS);
  const problems = [runProblems(subject, 200), runProblems(baseline, 200)];
  return row(scenario, subject, {
    baseline: `${baselineName}: ${baseline.result.reqPerS.toFixed(0)} req/s`,
    ratio: `${ratio.toFixed(2)}×${problemsSuffix(problems)}`,
    goal: `≥ ${min}×`,
    pass: problems.every((p) => p === null) && ratio >= min,
  });
}

/**
 * Server CPU per request, `first` µs ÷ `second` µs: against a `{ max }` goal, or a diagnostic
 * (when the load generator is the bottleneck, req/s cannot tell servers apart).
 */
export function cpuRow(
  scenario: string,
  [firstName, first]: [string, Measured],
  [secondName, second]: [string, Measured],
  goal: string | { readonly max: number },
): Row {
  const firstUs = first.serverCpuUsPerRequest;
  const secondUs = second.serverCpuUsPerRequest;
  const ratio = firstUs && secondUs ? firstUs / secondUs : null;
  return row(scenario, null, {
    baseline: `${firstName} ${fixed(firstUs, 0)} µs, ${secondName} ${fixed(secondUs, 0)} µs`,
    ratio: `${fixed(ratio, 2)}×`,
    goal: typeof goal === 'string' ? goal : `≤ ${goal.max}×`,
    pass: typeof goal === 'string' ? null : ratio !== null && ratio <= goal.max,
  });
}
