/**
 * Scenario 1: hot hits against bare node:http sending the same answer. Throughput and server CPU
 * per request over alternating rounds; then the p99 of both, paced at half of bare's maximum.
 */
import { ROUNDS, P99_ROUNDS } from '../support/config';
import { type Context } from '../support/context';
import { type HotService } from '../support/hot-service';
import { type Measured } from '../support/load';
import { withStarted } from '../support/processes';
import { AUTH } from '../support/servers';
import { formatMs, type Row } from '../support/report';
import { cpuRow, median, problemsSuffix, ratioRow, runProblems } from '../support/rows';

export function hotHit(ctx: Context, { service, url, hit }: HotService): Promise<Row[]> {
  return withStarted(async (start) => {
    const bare = await start(ctx.startBare(hit));
    const [svc, base] = await ctx.alternating([
      (round) => ctx.loadRun(`hot hit (service), round ${round}`, service.pid, url, AUTH),
      (round) => ctx.loadRun(`bare node:http, round ${round}`, bare.pid, bare.url, AUTH),
    ]);
    const rows = [
      ratioRow('1. hot hit, throughput', svc, base, `bare, median of ${ROUNDS}`, 0.8),
      cpuRow(
        '1. hot hit, server CPU per request (service µs ÷ bare µs)',
        ['service', svc],
        ['bare', base],
        { max: 1.3 },
      ),
    ];

    // A p99 is a few stalls of a shared machine: rounds alternate and medians compare.
    const rate = Math.max(1, Math.round(base.result.reqPerS / 2));
    const bareRuns: Measured[] = [];
    const svcRuns: Measured[] = [];
    for (let round = 1; round <= P99_ROUNDS; round++) {
      const suffix = `paced at ${rate} req/s, round ${round}`;
      bareRuns.push(await ctx.pacedRun(`bare ${suffix}`, bare.pid, bare.url, rate));
      svcRuns.push(await ctx.pacedRun(`hot hit ${suffix}`, service.pid, url, rate));
    }
    const bareP99 = median(bareRuns.map((m) => m.result.p99Ms));
    const svcP99 = median(svcRuns.map((m) => m.result.p99Ms));
    const p99Ratio = svcP99 / Math.max(0.001, bareP99);
    const problems = [...svcRuns, ...bareRuns].map((m) => runProblems(m, 200));
    const slowest = Math.min(...svcRuns.map((m) => m.result.reqPerS));
    if (slowest < rate * 0.95) {
      problems.push(`reached ${slowest.toFixed(0)} of ${rate} req/s`);
    }
    rows.push({
      scenario: `1. hot hit paced at ${rate} req/s (half of bare max), median p99 of ${P99_ROUNDS} runs`,
      reqPerS: median(svcRuns.map((m) => m.result.reqPerS)),
      p50Ms: median(svcRuns.map((m) => m.result.p50Ms)),
      p99Ms: svcP99,
      baseline: `bare median p99 ${formatMs(bareP99)} ms`,
      ratio: `${p99Ratio.toFixed(2)}×${problemsSuffix(problems)}`,
      goal: '≤ 2×',
      pass: problems.every((p) => p === null) && p99Ratio <= 2,
    });
    return rows;
  });
}
