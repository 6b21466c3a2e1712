/**
 * Scenario 5: storms of concurrent requests for a cold date, split over two replicas (one Redis,
 * one container) with a slow upstream: exactly one upstream call, all 200, equal bodies.
 */
import { type Context } from '../support/context';
import { log, sleep, withStarted } from '../support/processes';
import { scheduleUrl, utcDate } from '../support/schedule-http';
import { AUTH, startService, type Service } from '../support/servers';
import { fixed, type Row } from '../support/report';
import { percentile } from '../support/stats';

const STORM_TIMEOUT_MS = 60_000;

export function missStorm(ctx: Context): Promise<Row[]> {
  const { sim } = ctx.stack;
  return withStarted(async (start) => {
    const replicas: Service[] = [];
    for (const name of ['replica-1', 'replica-2']) {
      replicas.push(await start(startService(ctx.env('storm'), name)));
    }
    const latency = ctx.config.stormLatencyMs;
    sim.setLatency(latency, latency);
    try {
      const rows: Row[] = [];
      for (const [i, n] of ctx.config.stormSizes.entries()) {
        rows.push(
          ...(await ctx.guard(`5. miss storm, ${n} concurrent`, () =>
            storm(ctx, replicas, n, utcDate(100 + i)),
          )),
        );
      }
      return rows;
    } finally {
      sim.setLatency(0, 0);
    }
  });
}

async function storm(ctx: Context, replicas: Service[], n: number, date: string): Promise<Row[]> {
  const { sim } = ctx.stack;
  const { companyId } = ctx.simDoc;
  const before = sim.calls(date);
  const answers = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const startedAt = performance.now();
      try {
        const response = await fetch(
          scheduleUrl(replicas[i % replicas.length].url, date, companyId),
          {
            headers: { ...AUTH, 'accept-encoding': 'identity' },
            signal: AbortSignal.timeout(STORM_TIMEOUT_MS),
          },
        );
        const body = Buffer.from(await response.arrayBuffer());
        return { status: response.status, body, ms: performance.now() - startedAt };
      } catch (error) {
        log(`storm request failed: ${String(error)}`);
        return { status: 0, body: Buffer.alloc(0), ms: performance.now() - startedAt };
      }
    }),
  );
  // A late second upstream call (a replica that did not wait) would show up by now.
  await sleep(500);
  const calls = sim.calls(date) - before;
  const statuses = new Map<number, number>();
  for (const { status } of answers) {
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  const allOk = (statuses.get(200) ?? 0) === n;
  const allEqual = answers.every((a) => a.body.equals(answers[0].body));
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  ctx.report.detail(
    `storm ${n} on ${date}: ${calls} upstream call(s); statuses ` +
      `${[...statuses].map(([s, c]) => `${s}×${c}`).join(', ')}; bodies equal: ${allEqual}; ` +
      `${answers[0].body.length} bytes; latency min ${fixed(ms[0], 0)} max ${fixed(ms[ms.length - 1], 0)} ms`,
  );
  if (calls !== 1 || !allOk) {
    for (const replica of replicas) {
      ctx.report.detail(
        `storm ${n}: log of ${replica.name} (last 64 KB): ${logSummary(replica.lines())}`,
      );
    }
  }
  return [
    {
      scenario: `5. miss storm, ${n} concurrent over 2 replicas`,
      reqPerS: null,
      p50Ms: percentile(ms, 50),
      p99Ms: percentile(ms, 99),
      baseline: `sim latency ${ctx.config.stormLatencyMs} ms`,
      ratio:
        `${calls} upstream call(s)` +
        (allOk ? '' : `, statuses ${[...statuses].map(([s, c]) => `${s}×${c}`).join(' ')}`) +
        (allEqual ? '' : ', bodies differ'),
      goal: '1 call, all 200, equal bodies',
      pass: calls === 1 && allOk && allEqual,
    },
  ];
}

/** Counts of a service's log messages (pino JSON lines), the most frequent first. */
function logSummary(lines: string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) {
    let msg = line;
    try {
      const parsed = JSON.parse(line) as { msg?: unknown };
      msg = typeof parsed.msg === 'string' ? parsed.msg : line;
    } catch {
      // not JSON: count the raw line
    }
    const key = msg.replace(/\d{4}-\d{2}-\d{2}/g, 'DATE').slice(0, 160);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return (
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([msg, count]) => `${count}× "${msg}"`)
      .join('; ') || '(nothing logged)'
  );
}
