/**
 * Scenario 4: Accept-Encoding br and gzip against bare node:http sending the service's own
 * compressed bytes, checked first to decode to the document.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { request } from '../../test/support/http';
import { ROUNDS } from '../support/config';
import { type Context } from '../support/context';
import { type HotService } from '../support/hot-service';
import { withStarted } from '../support/processes';
import { header } from '../support/schedule-http';
import { AUTH } from '../support/servers';
import { type Row } from '../support/report';
import { cpuRow, ratioRow, row } from '../support/rows';

const ENCODINGS = ['br', 'gzip'] as const;
type Encoding = (typeof ENCODINGS)[number];

/** Each encoding on its own: one that fails leaves an error row and the other still runs. */
export async function compression(ctx: Context, hot: HotService): Promise<Row[]> {
  const rows: Row[] = [];
  for (const encoding of ENCODINGS) {
    rows.push(
      ...(await ctx.guard(`4. Accept-Encoding: ${encoding} vs bare`, () =>
        encodingRows(ctx, hot, encoding),
      )),
    );
  }
  return rows;
}

async function encodingRows(
  ctx: Context,
  { service, url, doc }: HotService,
  encoding: Encoding,
): Promise<Row[]> {
  const scenario = `4. Accept-Encoding: ${encoding} vs bare`;
  const headers = { ...AUTH, 'accept-encoding': encoding };
  const [first, second] = [await request(url, { headers }), await request(url, { headers })];
  const got = header(first, 'content-encoding');
  const decoded =
    got === 'br'
      ? brotliDecompressSync(first.body)
      : got === 'gzip'
        ? gunzipSync(first.body)
        : first.body;
  const problems = [
    ...(first.status !== 200 ? [`HTTP ${first.status}`] : []),
    ...(got !== encoding ? [`Content-Encoding ${got ?? '(none)'}`] : []),
    ...(!decoded.equals(doc.body) ? ['does not decode to the document'] : []),
    ...(!second.body.equals(first.body) ? ['compressed bytes differ between requests'] : []),
  ];
  ctx.report.detail(
    `${encoding}: ${first.body.length} bytes on the wire for ${doc.body.length} ` +
      `(${((first.body.length / doc.body.length) * 100).toFixed(1)} %); ${problems.join(', ') || 'decodes to the identity bytes'}`,
  );
  if (problems.length > 0) {
    return [
      row(scenario, null, {
        baseline: '—',
        ratio: problems.join(', '),
        goal: '≥ 0.8×',
        pass: false,
      }),
    ];
  }
  return withStarted(async (start) => {
    const bare = await start(ctx.startBare(first, `bare-${encoding}`));
    const [svc, base] = await ctx.alternating([
      (round) => ctx.loadRun(`${encoding} (service), round ${round}`, service.pid, url, headers),
      (round) => ctx.loadRun(`${encoding} (bare), round ${round}`, bare.pid, bare.url, headers),
    ]);
    return [
      ratioRow(scenario, svc, base, `bare ${encoding}, median of ${ROUNDS}`, 0.8),
      cpuRow(
        `4. ${encoding}, server CPU per request (service µs ÷ bare µs)`,
        ['service', svc],
        ['bare', base],
        'diagnostic: both runs are client-bound, so req/s hides this',
      ),
    ];
  });
}
