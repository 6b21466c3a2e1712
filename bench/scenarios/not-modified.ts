/** Scenario 3: If-None-Match with the hit's ETag (a 304, no body) against the 200 hit. */
import { request } from '../../test/support/http';
import { ROUNDS } from '../support/config';
import { type Context } from '../support/context';
import { type HotService } from '../support/hot-service';
import { type Row } from '../support/report';
import { problemsSuffix, row, runProblems } from '../support/rows';
import { header } from '../support/schedule-http';
import { AUTH } from '../support/servers';

const SCENARIO = '3. 304 If-None-Match vs 200 hit';
const GOAL = '≥ 1.5×, no body';

export async function notModified(ctx: Context, { service, url, doc }: HotService): Promise<Row[]> {
  if (doc.etag === null) {
    return [
      row(SCENARIO, null, {
        baseline: '200 hit',
        ratio: 'no ETag on the hit',
        goal: GOAL,
        pass: false,
      }),
    ];
  }
  const headers = { ...AUTH, 'if-none-match': doc.etag };
  const check = await request(url, { headers });
  ctx.report.detail(
    `304 check: HTTP ${check.status}, ${check.body.length} body bytes, ` +
      `content-length ${header(check, 'content-length') ?? '(none)'}`,
  );
  const [m, hit] = await ctx.alternating([
    (round) => ctx.loadRun(`If-None-Match (service), round ${round}`, service.pid, url, headers),
    (round) => ctx.loadRun(`200 hit beside 304, round ${round}`, service.pid, url, AUTH),
  ]);
  const bytesPerResponse = m.result.bytes / Math.max(1, m.result.requests);
  ctx.report.detail(
    `304 run: ${bytesPerResponse.toFixed(0)} bytes per response (headers included) against ` +
      `${(hit.result.bytes / Math.max(1, hit.result.requests)).toFixed(0)} for the 200 hit`,
  );
  const noBody = check.status === 304 && check.body.length === 0 && bytesPerResponse < 1024;
  const ratio = m.result.reqPerS / Math.max(1, hit.result.reqPerS);
  const problems = [runProblems(m, 304), runProblems(hit, 200)];
  return [
    row(SCENARIO, m, {
      baseline: `200 hit, median of ${ROUNDS}: ${hit.result.reqPerS.toFixed(0)} req/s`,
      ratio: `${ratio.toFixed(2)}×, ${bytesPerResponse.toFixed(0)} B/response${problemsSuffix(problems)}`,
      goal: GOAL,
      pass: noBody && problems.every((p) => p === null) && ratio >= 1.5,
    }),
  ];
}
