import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { CachedDocument, DocumentCache } from './document-cache';

const KB = 1024;
const source = { blobEtag: '"b1"', generatedAt: Date.UTC(2026, 10, 23, 8, 30) };
const bytes = (size: number, fill = 'a') => Buffer.alloc(size, fill);

describe(DocumentCache.name, () => {
  it('should key a document by date, company and view', () => {
    const made = () =>
      Array.from({ length: 100 }, (_, day) =>
        [1, 2, 3].map((company) => DocumentCache.key(`2026-12-${day}`, company)),
      ).flat();

    expect(made()).toEqual(made());
    expect(DocumentCache.key('2026-12-01', 7)).toBe('2026-12-01/7');
    expect(DocumentCache.key('2026-12-01', 7, '/technician/3/v1')).toBe(
      '2026-12-01/7/technician/3/v1',
    );
  });

  it('should evict the least recently used documents to stay within its byte bound', () => {
    const cache = new DocumentCache(50 * KB);
    const [first] = [1, 2, 3, 4].map((company) =>
      cache.set(DocumentCache.key('2026-11-23', company), bytes(10 * KB), source, 0),
    );
    cache.get(DocumentCache.key('2026-11-23', 1));
    const added = cache.set(DocumentCache.key('2026-11-23', 6), bytes(10 * KB), source, 0);

    expect(cache.size.bytes).toBeLessThanOrEqual(50 * KB);
    expect(cache.size.entries).toBe(4);
    expect(cache.get(DocumentCache.key('2026-11-23', 1))).toBe(first);
    expect(cache.get(DocumentCache.key('2026-11-23', 2))).toBeUndefined();
    expect(cache.get(DocumentCache.key('2026-11-23', 6))).toBe(added);
  });

  it('should admit documents only while they fit, never evicting one held', () => {
    const cache = new DocumentCache(50 * KB);
    const admitted = [1, 2, 3, 4, 5].map((company) =>
      cache.admit(DocumentCache.key('2026-11-23', company), bytes(10 * KB), source, 0),
    );

    expect(admitted).toEqual([true, true, true, true, false]);
    expect(cache.size.entries).toBe(4);
    expect(
      [1, 2, 3, 4].map((c) => cache.get(DocumentCache.key('2026-11-23', c))?.body.length),
    ).toEqual([10 * KB, 10 * KB, 10 * KB, 10 * KB]);
    expect(cache.admit(DocumentCache.key('2026-11-23', 6), bytes(5 * KB), source, 0)).toBe(true);
    expect(new DocumentCache(0).admit('2026-11-23/1', bytes(1), source, 0)).toBe(false);
  });

  it('should hold 5,000 documents worth 50 times its bound without growing past it', () => {
    const cache = new DocumentCache(10 * 100 * KB);
    for (let i = 0; i < 5_000; i++) {
      cache.set(DocumentCache.key('2026-11-23', i + 1), bytes(100 * KB), source, 0);
      expect(cache.size.bytes).toBeLessThanOrEqual(10 * 100 * KB);
    }
    expect(cache.size.entries).toBe(9);
  });

  it('should count compressed variants against the bound', async () => {
    const cache = new DocumentCache(1_000 * KB);
    const entry = cache.set(
      '2026-11-23/1',
      Buffer.from(JSON.stringify({ a: 'x'.repeat(KB) })),
      source,
      0,
    );
    const before = cache.size.bytes;

    const gz = await entry.encoded('gzip');

    expect(cache.size.bytes).toBe(before + gz.length);
    expect(await entry.encoded('gzip')).toBe(gz);
  });

  it('should not keep a document larger than the whole bound, nor anything when disabled', () => {
    expect(new DocumentCache(KB).set('d/1', bytes(2 * KB), source, 0)).toBeInstanceOf(
      CachedDocument,
    );
    const tooBig = new DocumentCache(KB);
    tooBig.set('d/1', bytes(2 * KB), source, 0);
    expect(tooBig.size.entries).toBe(0);
    const disabled = new DocumentCache(0);
    disabled.set('d/1', bytes(10), source, 0);
    expect(disabled.get('d/1')).toBeUndefined();
  });

  it('should keep unchanged documents fresher and drop changed ones with their views', () => {
    const cache = new DocumentCache(1_000 * KB);
    const kept = cache.set(DocumentCache.key('2026-11-23', 1), bytes(10), source, 0);
    cache.set(DocumentCache.key('2026-11-23', 2), bytes(10), source, 0);
    cache.set(DocumentCache.key('2026-11-23', 2, '/technician/7/v1'), bytes(5), source, 0);
    const otherDay = cache.set(DocumentCache.key('2026-11-24', 2), bytes(10), source, 0);

    cache.refreshDate('2026-11-23', new Set([2]), source.generatedAt + 60_000);

    expect(cache.get(DocumentCache.key('2026-11-23', 1))).toBe(kept);
    expect(kept.freshAt).toBe(source.generatedAt + 60_000);
    expect(cache.get(DocumentCache.key('2026-11-23', 2))).toBeUndefined();
    expect(cache.get(DocumentCache.key('2026-11-23', 2, '/technician/7/v1'))).toBeUndefined();
    expect(otherDay.freshAt).toBe(source.generatedAt);
    expect(cache.size.entries).toBe(2);
  });

  it("should drop a date's documents and refuse fills that started before the drop", () => {
    const cache = new DocumentCache(1_000 * KB);
    cache.set(DocumentCache.key('2026-11-23', 1), bytes(10), source, 0);
    const otherDay = cache.set(DocumentCache.key('2026-11-24', 1), bytes(10), source, 0);
    const generation = cache.generation;

    cache.invalidateDate('2026-11-23');
    cache.set(DocumentCache.key('2026-11-23', 2), bytes(10), source, generation);

    expect(cache.get(DocumentCache.key('2026-11-23', 1))).toBeUndefined();
    expect(cache.get(DocumentCache.key('2026-11-23', 2))).toBeUndefined();
    expect(cache.get(DocumentCache.key('2026-11-24', 1))).toBe(otherDay);
    expect(cache.size.entries).toBe(1);
  });
});

describe(CachedDocument.name, () => {
  const body = Buffer.from(JSON.stringify({ Result: [{ Text: 'é'.repeat(2_000) }] }));

  it('should compress each coding once and round-trip to the same bytes', async () => {
    const document = new CachedDocument(body, source);

    const [br, gzip] = await Promise.all([document.encoded('br'), document.encoded('gzip')]);

    expect(brotliDecompressSync(br).equals(body)).toBe(true);
    expect(gunzipSync(gzip).equals(body)).toBe(true);
    expect(br.length).toBeLessThan(body.length);
    expect(await document.encoded('br')).toBe(br);
  });

  it('should keep each compressed variant in memory of its own, the size it counts', async () => {
    const document = new CachedDocument(Buffer.from('{"Result":[]}'.repeat(8_000)), source);

    const [br, gzip] = await Promise.all([document.encoded('br'), document.encoded('gzip')]);

    expect([br.buffer.byteLength, gzip.buffer.byteLength]).toEqual([br.length, gzip.length]);
    expect(document.size).toBe(document.body.length + br.length + gzip.length + KB);
  });

  it('should derive one strong ETag per coding from the bytes alone', () => {
    const a = new CachedDocument(body, source);
    const b = new CachedDocument(Buffer.from(body), { blobEtag: null, generatedAt: 0 });

    expect(a.etag).toBe(b.etag);
    expect(a.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(a.etagFor('br')).toBe(`${a.etag.slice(0, -1)}-br"`);
    expect(new CachedDocument(Buffer.from('{}'), source).etag).not.toBe(a.etag);
    expect(a.lastModified).toBe('Mon, 23 Nov 2026 08:30:00 GMT');
  });
});
