import { standaloneConfig } from '../../test/support/standalone-config';
import { MetricsService } from '../metrics/metrics.service';
import { CachedDocument } from './document-cache';
import { ScheduleResponder } from './schedule-responder';

describe(ScheduleResponder.name, () => {
  const body = Buffer.from(JSON.stringify({ jobs: 'x'.repeat(4096) }));
  let responder: ScheduleResponder;
  let document: CachedDocument;

  beforeEach(async () => {
    responder = new ScheduleResponder(new MetricsService(), standaloneConfig());
    document = new CachedDocument(body, { blobEtag: '"b1"', generatedAt: Date.now() - 5_000 });
    await document.encoded('br');
  });

  it('should give every answer headers of its own, which a caller may add to', () => {
    const first = responder.prepare({}, { document, state: 'HIT' });
    first.headers['x-request-id'] = 'one';
    const second = responder.prepare({}, { document, state: 'HIT' });

    expect(second.headers).not.toBe(first.headers);
    expect(second.headers['x-request-id']).toBeUndefined();
    expect(second.headers).toMatchObject({ etag: document.etag, 'x-cache': 'HIT', age: '5' });
  });

  it('should keep each variant of a document apart: coding, 304 and cache state', () => {
    const br = responder.prepare({ 'accept-encoding': 'br' }, { document, state: 'HIT' });
    const identity = responder.prepare({}, { document, state: 'HIT' });
    const notModified = responder.prepare(
      { 'accept-encoding': 'br', 'if-none-match': document.etagFor('br') },
      { document, state: 'HIT' },
    );
    const stale = responder.prepare({}, { document, state: 'STALE' });

    expect(br).toMatchObject({ status: 200, encoding: 'br' });
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', etag: document.etagFor('br') });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers.etag).toBe(document.etag);
    expect(notModified).toMatchObject({ status: 304, notModified: true });
    expect(notModified.headers['content-encoding']).toBeUndefined();
    expect(stale.headers['x-cache']).toBe('STALE');
  });

  it('should answer a bypass with no validators, no-store and never 304', () => {
    const bypass = responder.prepare(
      { 'accept-encoding': 'br', 'if-none-match': '*' },
      { document, state: 'BYPASS' },
    );

    expect(bypass).toMatchObject({ status: 200, notModified: false, encoding: 'br' });
    expect(bypass.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      vary: 'Accept-Encoding, Authorization',
      'x-cache': 'BYPASS',
      'content-encoding': 'br',
    });
  });
});
