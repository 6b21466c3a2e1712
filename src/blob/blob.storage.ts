export type BlobMetadata = Record<string, string>;

export interface StoredBlob {
  readonly body: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
  readonly contentType: string;
  readonly metadata: BlobMetadata;
}

export interface BlobWrite {
  readonly body: Buffer;
  readonly contentType: string;
  readonly metadata?: BlobMetadata;
}

export interface BlobWriteResult {
  readonly etag: string;
  readonly lastModified: Date;
}

/** Port and DI token for the document store; adapters live beside it. */
export abstract class BlobStorage {
  /** Creates the container if missing; called once at boot. */
  abstract ensureContainer(): Promise<void>;
  /** The blob with its properties, or null when it does not exist (one round trip). */
  abstract read(name: string): Promise<StoredBlob | null>;
  /** Creates or replaces the blob with `body`, content type and metadata. */
  abstract write(name: string, blob: BlobWrite): Promise<BlobWriteResult>;
  /** True when the blob no longer has `etag` (rewritten or deleted); one HEAD, no body. */
  abstract changed(name: string, etag: string): Promise<boolean>;
  /** True when a blob was deleted, false when there was none. */
  abstract delete(name: string): Promise<boolean>;
  /** Every blob name starting with `prefix`, in one array. */
  abstract list(prefix: string): Promise<string[]>;
  /** The names starting with `prefix`, in name order, one page of at most `pageSize` at a time. */
  abstract listPages(prefix: string, pageSize: number): AsyncIterable<string[]>;
}
