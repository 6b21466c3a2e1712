import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import { ownMemory } from '../common/own-memory';

export type Encoding = 'br' | 'gzip';

const compressors: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  // Quality 6: close to quality 11's size in a fraction of its time; each body is compressed once.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 6,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body) => promisify(gzip)(body, { level: 6 }),
};

// Objects, strings and map slots of an entry, so thousands of tiny documents are bounded too.
const ENTRY_OVERHEAD_BYTES = 1_024;

export interface DocumentSource {
  /** Where the bytes came from, to revalidate them: a blob ETag, or null when derived. */
  readonly blobEtag: string | null;
  /** When the upstream answer behind these bytes was fetched (ms since epoch). */
  readonly generatedAt: number;
}

/** A document ready to send: bytes, validators and compressed variants made at most once. */
export class CachedDocument {
  readonly etag: string;
  readonly lastModified: string;
  private readonly codedEtags: Record<Encoding, string>;
  private readonly variants = new Map<Encoding, Promise<Buffer>>();
  private variantBytes = 0;
  checkedAt = Date.now();
  /** When these bytes were last confirmed by the upstream: a refresh that found them unchanged. */
  freshAt: number;

  constructor(
    readonly body: Buffer,
    readonly source: DocumentSource,
    sha256?: string,
    private readonly onGrow: (bytes: number) => void = () => undefined,
  ) {
    const digest = sha256 ?? createHash('sha256').update(body).digest('hex');
    const tag = digest.slice(0, 32);
    this.etag = `"${tag}"`;
    // Made once: conditional requests compare against all three on every request.
    this.codedEtags = { br: `"${tag}-br"`, gzip: `"${tag}-gzip"` };
    this.lastModified = new Date(source.generatedAt).toUTCString();
    this.freshAt = source.generatedAt;
  }

  get size(): number {
    return this.body.length + this.variantBytes + ENTRY_OVERHEAD_BYTES;
  }

  /** The ETag of the representation in `encoding`: strong validators differ per coding. */
  etagFor(encoding: Encoding | null): string {
    return encoding ? this.codedEtags[encoding] : this.etag;
  }

  /** The body in `encoding`, compressed on first use and then kept. */
  encoded(encoding: Encoding): Promise<Buffer> {
    let variant = this.variants.get(encoding);
    if (!variant) {
      // A ~10 KB result is a slice of zlib's 64 KB output chunk: kept as is, it holds all of it.
      variant = compressors[encoding](this.body).then(ownMemory);
      this.variants.set(encoding, variant);
      variant.then(
        (bytes) => {
          this.variantBytes += bytes.length;
          this.onGrow(bytes.length);
        },
        () => this.variants.delete(encoding),
      );
    }
    return variant;
  }
}

/**
 * In-process LRU of documents bounded by bytes (bodies plus compressed variants). Keys start
 * with the date so that a date's refresh drops every document and view of that date.
 */
export class DocumentCache {
  // Undefined when CACHE_MEMORY_MB=0: nothing is kept.
  private readonly entries: LRUCache<string, CachedDocument> | undefined;
  private invalidations = 0;

  constructor(private readonly maxBytes: number) {
    this.entries =
      maxBytes > 0
        ? new LRUCache({ maxSize: maxBytes, sizeCalculation: (entry) => entry.size })
        : undefined;
  }

  static key(date: string, companyId: number, view = ''): string {
    return `${date}/${companyId}${view}`;
  }

  get enabled(): boolean {
    return this.entries !== undefined;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries?.size ?? 0, bytes: this.entries?.calculatedSize ?? 0 };
  }

  get(key: string): CachedDocument | undefined {
    return this.entries?.get(key);
  }

  /** A token to pass to `set`: a fill that started before any invalidation is not kept. */
  get generation(): number {
    return this.invalidations;
  }

  /** Builds the entry; keeps it unless an invalidation happened since `generation` was read. */
  set(
    key: string,
    body: Buffer,
    source: DocumentSource,
    generation: number,
    sha256?: string,
  ): CachedDocument {
    const entries = this.entries;
    const entry = new CachedDocument(body, source, sha256, () => {
      // Setting the same entry again counts its new size and evicts to stay within the bound.
      if (entries?.peek(key) === entry) {
        entries.set(key, entry);
      }
    });
    if (entries && generation === this.invalidations) {
      entries.set(key, entry);
    }
    return entry;
  }

  /** Like `set`, but only when the document fits beside everything held: false when it would evict. */
  admit(
    key: string,
    body: Buffer,
    source: DocumentSource,
    generation: number,
    sha256?: string,
  ): boolean {
    const held = this.entries?.calculatedSize ?? 0;
    if (!this.entries || held + body.length + ENTRY_OVERHEAD_BYTES > this.maxBytes) {
      return false;
    }
    this.set(key, body, source, generation, sha256);
    return true;
  }

  /** Drops `key`, or only when it still holds `expected`. */
  delete(key: string, expected?: CachedDocument): void {
    if (expected === undefined || this.entries?.peek(key) === expected) {
      this.entries?.delete(key);
    }
  }

  /**
   * After a complete refresh of `date`: drops the documents (and views) of the companies whose
   * bytes changed, marks the others fresh as of `at`, refuses fills that started before.
   */
  refreshDate(date: string, changed: ReadonlySet<number>, at: number): void {
    this.invalidations += 1;
    for (const [key, entry] of this.ofDate(date)) {
      const companyId = Number.parseInt(key.slice(date.length + 1), 10);
      if (changed.has(companyId)) {
        this.entries?.delete(key);
      } else {
        entry.freshAt = Math.max(entry.freshAt, at);
      }
    }
  }

  /** Drops every document of `date` and refuses fills that started before this call. */
  invalidateDate(date: string): void {
    this.invalidations += 1;
    for (const [key] of this.ofDate(date)) {
      this.entries?.delete(key);
    }
  }

  /** The date's entries, collected first: the caller may delete while going through them. */
  private ofDate(date: string): [string, CachedDocument][] {
    const prefix = `${date}/`;
    return [...(this.entries?.entries() ?? [])].filter(([key]) => key.startsWith(prefix));
  }
}
