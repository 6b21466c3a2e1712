import { BlobStorage, BlobWrite, BlobWriteResult, StoredBlob } from '../../src/blob/blob.storage';

/** Unit-test double of the BlobStorage port; `failWrites` names blobs whose writes throw. */
export class InMemoryBlobStorage extends BlobStorage {
  readonly blobs = new Map<string, StoredBlob>();
  readonly failWrites = new Set<string>();
  failReads = false;
  writes = 0;
  private version = 0;

  ensureContainer(): Promise<void> {
    return Promise.resolve();
  }

  read(name: string): Promise<StoredBlob | null> {
    if (this.failReads) {
      return Promise.reject(new Error('storage down'));
    }
    return Promise.resolve(this.blobs.get(name) ?? null);
  }

  write(name: string, blob: BlobWrite): Promise<BlobWriteResult> {
    if (this.failWrites.has(name)) {
      return Promise.reject(new Error(`write of ${name} refused`));
    }
    this.writes += 1;
    const stored = {
      body: blob.body,
      contentType: blob.contentType,
      metadata: blob.metadata ?? {},
      etag: `"${++this.version}"`,
      lastModified: new Date(),
    };
    this.blobs.set(name, stored);
    return Promise.resolve({ etag: stored.etag, lastModified: stored.lastModified });
  }

  changed(name: string, etag: string): Promise<boolean> {
    return Promise.resolve(this.blobs.get(name)?.etag !== etag);
  }

  delete(name: string): Promise<boolean> {
    return Promise.resolve(this.blobs.delete(name));
  }

  list(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.blobs.keys()].filter((name) => name.startsWith(prefix)));
  }

  async *listPages(prefix: string, pageSize: number): AsyncIterable<string[]> {
    const names = (await this.list(prefix)).sort();
    for (let start = 0; start < names.length; start += pageSize) {
      yield names.slice(start, start + pageSize);
    }
  }

  text(name: string): string | undefined {
    return this.blobs.get(name)?.body.toString('utf8');
  }
}
