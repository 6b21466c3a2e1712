import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

const compressors: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  // Quality 6 compresses 100 KB of JSON in a few ms to within ~10% of quality 11's size.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 6,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body) => promisify(gzip)(body, { level: 6 }),
};

const TOUCH_EVERY_MS = 1_000;
// Every hit looks its document up: a key made anew was also hashed anew (~1 % of a hit's CPU).
const KEYS_DATES_MAX = 64;
const KEYS_PER_DATE_MAX = 10_000;
const documentKeys = new Map<string, Map<number, string>>();
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
  usedAt = Date.now();
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
      variant = compressors[encoding](this.body);
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
  private readonly entries = new Map<string, CachedDocument>();
  private invalidations = 0;
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  static key(date: string, companyId: number, view = ''): string {
    if (view !== '') {
      return `${date}/${companyId}${view}`;
    }
    let keys = documentKeys.get(date);
    if (!keys) {
      if (documentKeys.size >= KEYS_DATES_MAX) {
        documentKeys.clear();
      }
      keys = new Map();
      documentKeys.set(date, keys);
    }
    let key = keys.get(companyId);
    if (key === undefined) {
      key = `${date}/${companyId}`;
      if (keys.size < KEYS_PER_DATE_MAX) {
        keys.set(companyId, key);
      }
    }
    return key;
  }

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  get(key: string): CachedDocument | undefined {
    const entry = this.entries.get(key);
    // Moved to the recent end at most once a second: a hot document costs no map writes.
    if (entry && entry.usedAt < this.now() - TOUCH_EVERY_MS) {
      entry.usedAt = this.now();
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
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
    const entry = new CachedDocument(body, source, sha256, (grown) => {
      if (this.entries.get(key) === entry) {
        this.bytes += grown;
        this.evict();
      }
    });
    if (!this.enabled || generation !== this.invalidations || entry.size > this.maxBytes) {
      return entry;
    }
    this.delete(key);
    entry.usedAt = this.now();
    this.entries.set(key, entry);
    this.bytes += entry.size;
    this.evict();
    return entry;
  }

  /** Drops `key`, or only when it still holds `expected`. */
  delete(key: string, expected?: CachedDocument): void {
    const entry = this.entries.get(key);
    if (entry && (expected === undefined || entry === expected)) {
      this.entries.delete(key);
      this.bytes -= entry.size;
    }
  }

  /**
   * After a complete refresh of `date`: drops the documents (and views) of the companies whose
   * bytes changed, marks the others fresh as of `at`, refuses fills that started before.
   */
  refreshDate(date: string, changed: ReadonlySet<number>, at: number): void {
    this.invalidations += 1;
    const prefix = `${date}/`;
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix)) {
        const companyId = Number.parseInt(key.slice(prefix.length), 10);
        if (changed.has(companyId)) {
          this.delete(key);
        } else {
          entry.freshAt = Math.max(entry.freshAt, at);
        }
      }
    }
  }

  /** Drops every document of `date` and refuses fills that started before this call. */
  invalidateDate(date: string): void {
    this.invalidations += 1;
    const prefix = `${date}/`;
    for (const key of this.entries.keys()) {
      if (key.startsWith(prefix)) {
        this.delete(key);
      }
    }
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) {
        return;
      }
      this.delete(key);
    }
  }
}
