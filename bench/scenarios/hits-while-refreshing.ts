/**
 * Scenario 9: hits paced while the same replica refreshes another date every REFRESH_EVERY_MS
 * (one miss each: fetch, split, store), against the same paced hits with nothing else running.
 */
import { request } from '../../test/support/http';
import { ROUNDS } from '../support/config';
import { type Context } from '../support/context';
import { type HotService } from '../support/hot-service';
import { type Measured } from '../support/load';
import { sleep } from '../support/processes';
import { header, scheduleUrl, utcDate } from '../support/schedule-http';
import { AUTH } from '../support/servers';
import { formatMs, type Row } from '../support/report';
import { median, problemsSuffix, runProblems } from '../support/rows';

// A rate that leaves the 2 shared cores idle enough to see the event loop's stalls, and a new
// date refreshed every REFRESH_EVERY_MS (production: 7 dates every 30 minutes).
const REFRESH_HIT_RATE = 1_000;
const REFRESH_EVERY_MS = 500;
const REFRESH_DATES = 60;

export async function hitsWhileRefreshing(
  ctx: Context,
  { service, url }: HotService,
): Promise<Row[]> {
  const rate = REFRESH_HIT_RATE;
  const { sim } = ctx.stack;
  const companyId = sim.companyIds()[0];
  const dates = Array.from({ length: REFRESH_DATES }, (_, i) => utcDate(100 + i));
  // The simulator builds a date's answer on its first request: here, not during the runs.
  for (const date of dates) {
    sim.responseBody(date);
  }
  const quiet: Measured[] = [];
  const busy: Measured[] = [];
  let refreshes = 0;
  const failures: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const suffix = `paced at ${rate} req/s, round ${round}`;
    quiet.push(await ctx.pacedRun(`hot hit ${suffix}, quiet`, service.pid, url, rate));
    let running = true;
    const refreshing = (async () => {
      for (let date = dates.shift(); running && date; date = dates.shift()) {
        const next = sleep(REFRESH_EVERY_MS);
        const answer = await request(scheduleUrl(service.url, date, companyId), { headers: AUTH });
        if (answer.status === 200 && header(answer, 'x-cache') === 'MISS') {
          refreshes += 1;
        } else {
          failures.push(`${date}: HTTP ${answer.status} ${header(answer, 'x-cache')}`);
        }
        await next;
      }
    })();
    try {
      busy.push(await ctx.pacedRun(`hot hit ${suffix}, refreshing`, service.pid, url, rate));
    } finally {
      running = false;
      await refreshing;
    }
  }
  const quietP99 = median(quiet.map((m) => m.result.p99Ms));
  const busyP99 = median(busy.map((m) => m.result.p99Ms));
  const ratio = busyP99 / Math.max(0.001, quietP99);
  const problems = [...quiet, ...busy].map((m) => runProblems(m, 200));
  if (failures.length > 0) {
    problems.push(`refreshes not answered MISS 200: ${failures.slice(0, 3).join(', ')}`);
  }
  if (dates.length === 0) {
    problems.push(`all ${REFRESH_DATES} dates used before the runs ended`);
  }
  ctx.report.detail(
    `refreshing: ${refreshes} dates refreshed (a miss each) during ${ROUNDS} paced runs`,
  );
  return [
    {
      scenario: `9. hot hit paced at ${rate} req/s while the replica refreshes a date every ${REFRESH_EVERY_MS} ms, median p99 of ${ROUNDS} runs`,
      reqPerS: median(busy.map((m) => m.result.reqPerS)),
      p50Ms: median(busy.map((m) => m.result.p50Ms)),
      p99Ms: busyP99,
      baseline: `same rate, nothing else running: median p99 ${formatMs(quietP99)} ms`,
      ratio: `${ratio.toFixed(2)}×, ${refreshes} refreshes${problemsSuffix(problems)}`,
      goal: '≤ 2×',
      pass: problems.every((p) => p === null) && ratio <= 2,
    },
  ];
}
