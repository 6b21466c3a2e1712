/**
 * Scenario 2: hot hits against the naive design, a second service with CACHE_MEMORY_MB=0 that
 * reads the blob on every request; alternating rounds.
 */
import { ROUNDS } from '../support/config';
import { type Context } from '../support/context';
import { type HotService } from '../support/hot-service';
import { withStarted } from '../support/processes';
import { scheduleUrl } from '../support/schedule-http';
import { AUTH, startService } from '../support/servers';
import { type Row } from '../support/report';
import { cpuRow, ratioRow } from '../support/rows';

export function naive(ctx: Context, { service, url, doc }: HotService): Promise<Row[]> {
  return withStarted(async (start) => {
    const naive = await start(startService(ctx.env('hot', { CACHE_MEMORY_MB: '0' }), 'naive'));
    const naiveUrl = scheduleUrl(naive.url, doc.date, doc.companyId);
    const [svc, m] = await ctx.alternating([
      (round) => ctx.loadRun(`hot hit beside naive, round ${round}`, service.pid, url, AUTH),
      (round) =>
        ctx.loadRun(`naive (CACHE_MEMORY_MB=0), round ${round}`, naive.pid, naiveUrl, AUTH),
    ]);
    return [
      ratioRow(
        '2. hot hit vs naive (blob read per request)',
        svc,
        m,
        `naive, median of ${ROUNDS}`,
        10,
      ),
      cpuRow(
        '2. hot hit vs naive, server CPU per request (naive µs ÷ hit µs)',
        ['naive', m],
        ['hit', svc],
        "diagnostic: req/s of the hit's runs is the load generator's ceiling",
      ),
    ];
  });
}
