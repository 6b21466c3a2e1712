import { CachedDocument } from './document-cache';
import { isNotModified, negotiateEncoding, parseAcceptEncoding } from './http-caching';

const generatedAt = Date.UTC(2026, 10, 23, 8, 30);
const document = new CachedDocument(Buffer.alloc(4096, 'x'), { blobEtag: null, generatedAt });

describe(parseAcceptEncoding.name, () => {
  it.each([
    ['br, gzip, deflate', 'br'],
    ['gzip, deflate, br;q=0.5', 'gzip'],
    ['gzip;q=0, br;q=0', null],
    ['deflate', null],
    ['*', 'br'],
    ['identity', null],
    ['GZIP', 'gzip'],
    ['br;q=0, *;q=0.1', 'gzip'],
    ['br;q=garbage', null],
  ])('should choose for %p: %p', (header, expected) => {
    expect(parseAcceptEncoding(header)).toBe(expected);
  });
});

describe(negotiateEncoding.name, () => {
  it('should not compress tiny bodies or answer without the header', () => {
    const tiny = new CachedDocument(Buffer.from('{}'), { blobEtag: null, generatedAt });
    expect(negotiateEncoding('br', tiny)).toBeNull();
    expect(negotiateEncoding(undefined, document)).toBeNull();
    expect(negotiateEncoding('gzip, br', document)).toBe('br');
  });
});

describe(isNotModified.name, () => {
  it.each([
    [{ 'if-none-match': document.etag }, true],
    [{ 'if-none-match': `W/${document.etag}` }, true],
    [{ 'if-none-match': `"other", ${document.etagFor('gzip')}` }, true],
    [{ 'if-none-match': '*' }, true],
    [{ 'if-none-match': '"other"' }, false],
    [{ 'if-none-match': '"other"', 'if-modified-since': 'Tue, 24 Nov 2026 00:00:00 GMT' }, false],
    [{ 'if-modified-since': 'Mon, 23 Nov 2026 08:30:00 GMT' }, true],
    [{ 'if-modified-since': 'Mon, 23 Nov 2026 08:29:59 GMT' }, false],
    [{ 'if-modified-since': 'yesterday' }, false],
    [{}, false],
  ])('should judge %p as %p', (headers, expected) => {
    expect(isNotModified(headers, document)).toBe(expected);
  });
});
