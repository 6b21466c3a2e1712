import { LRUCache } from 'lru-cache';
import { IncomingHttpHeaders } from 'node:http';
import { CachedDocument, Encoding } from './document-cache';

// Below this a compressed body saves less than its headers cost.
const MIN_COMPRESSIBLE_BYTES = 1_024;
// Clients send a handful of distinct headers; parsing one costs more than the rest of a hit's headers.
const negotiated = new LRUCache<string, { encoding: Encoding | null }>({ max: 256 });

/** The coding to answer with for an Accept-Encoding header: br, else gzip, else none. */
export function negotiateEncoding(
  header: string | undefined,
  document: CachedDocument,
): Encoding | null {
  if (!header || document.body.length < MIN_COMPRESSIBLE_BYTES) {
    return null;
  }
  let choice = negotiated.get(header);
  if (!choice) {
    choice = { encoding: parseAcceptEncoding(header) };
    negotiated.set(header, choice);
  }
  return choice.encoding;
}

export function parseAcceptEncoding(header: string): Encoding | null {
  const weights = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=(.*)$/i.exec(p)?.[1]).find((v) => v !== undefined);
    // A malformed weight counts as 0: never send a coding the client may not accept.
    weights.set(name.trim(), q === undefined ? 1 : Number(q.trim()) || 0);
  }
  const weightOf = (name: Encoding) => weights.get(name) ?? weights.get('*') ?? 0;
  const best = (['br', 'gzip'] as const).reduce<Encoding | null>(
    (chosen, name) => (weightOf(name) > (chosen ? weightOf(chosen) : 0) ? name : chosen),
    null,
  );
  return best;
}

/** RFC 9110 conditional GET: If-None-Match (weak comparison) wins over If-Modified-Since. */
export function isNotModified(headers: IncomingHttpHeaders, document: CachedDocument): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.split(',').some((candidate) => {
      const tag = candidate.trim().replace(/^W\//, '');
      return (
        tag === '*' ||
        tag === document.etag ||
        tag === document.etagFor('br') ||
        tag === document.etagFor('gzip')
      );
    });
  }
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && Math.floor(document.source.generatedAt / 1000) * 1000 <= since;
  }
  return false;
}
