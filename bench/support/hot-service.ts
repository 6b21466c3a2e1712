/**
 * The service of the hot scenarios (1-4, 9): the hot document seeded into its container, the
 * default cache, served as a hit and warmed up before the first measured run.
 */
import { type RawAnswer } from '../../test/support/http';
import { type Context } from './context';
import { seedDocument, type HotDocument } from './documents';
import { load } from './load';
import { withStarted } from './processes';
import { cacheHeaders, header, scheduleUrl, waitForHit } from './schedule-http';
import { AUTH, startService, type Service } from './servers';

export interface HotService {
  service: Service;
  /** The hot document's URL on `service`. */
  url: string;
  /** The service's hit answer: what the bare baselines replay. */
  hit: RawAnswer;
  doc: HotDocument;
}

/** Starts the hot service, runs `use` with it and stops it. */
export function withHotService<T>(ctx: Context, use: (hot: HotService) => Promise<T>): Promise<T> {
  return withStarted(async (start) => {
    const seeded = ctx.hotDoc;
    const container = ctx.container('hot');
    await container.createIfNotExists();
    await seedDocument(container, seeded);
    const service = await start(startService(ctx.env('hot'), 'service'));
    const url = scheduleUrl(service.url, seeded.date, seeded.companyId);
    const hit = await waitForHit(url);
    if (!hit.body.equals(seeded.body)) {
      throw new Error(`the service answers other bytes than the seeded document`);
    }
    const doc = { ...seeded, etag: header(hit, 'etag') };
    ctx.report.detail(
      `document: ${doc.body.length} bytes seeded as company ${doc.companyId}, ${doc.date}; ` +
        `hit headers: ${cacheHeaders(hit)}`,
    );
    // The service's code is compiled and warm before the first comparison's first round.
    await load({
      url,
      connections: ctx.config.connections,
      headers: AUTH,
      duration: ctx.config.warmupS + ctx.config.durationS,
    });
    return use({ service, url, hit, doc });
  });
}
