import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { extname, join } from 'node:path';
import { ThreadChannel } from '../common/thread-channel';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { AzureBlobStorage } from './azure-blob.storage';
import { BlobMetric, BlobWriteRequest, ThreadWriteResult } from './blob-thread.messages';
import { BlobStorage, BlobWrite, BlobWriteResult, StoredBlob } from './blob.storage';

const ENTRY = join(__dirname, `blob.worker${extname(__filename)}`);

/**
 * Azure Blob Storage with writes on a thread of their own: the SDK's pipeline, signing and
 * sockets cost the main thread about a millisecond per blob, which a refresh pays once per
 * company while hits wait (docs/decisions/blob-writes-thread.md). Everything else stays here.
 */
@Injectable()
export class ThreadedBlobStorage extends BlobStorage implements OnApplicationShutdown {
  private readonly thread: ThreadChannel;
  private readonly local: AzureBlobStorage;
  /** The last body copy queued for the thread (copyInTurn). */
  private copies: Promise<unknown> = Promise.resolve();

  constructor(config: AppConfig, metrics: MetricsService) {
    super();
    this.local = new AzureBlobStorage(config.blob, metrics);
    this.thread = new ThreadChannel({
      name: 'blob thread',
      entry: ENTRY,
      workerData: config.blob,
      logger: new Logger(ThreadedBlobStorage.name),
      errorFrom: (message) => new Error(message as string),
      onNotice: (message) => {
        const { op, seconds } = (message as BlobMetric).metric;
        metrics.recordBlob(op, seconds);
      },
    });
  }

  ensureContainer(): Promise<void> {
    return this.local.ensureContainer();
  }

  read(name: string): Promise<StoredBlob | null> {
    return this.local.read(name);
  }

  async write(name: string, blob: BlobWrite): Promise<BlobWriteResult> {
    const body = await this.copyInTurn(blob.body);
    const request: BlobWriteRequest = { name, ...blob, body };
    const written = (await this.thread.call(request, [body.buffer])) as ThreadWriteResult;
    return { etag: written.etag, lastModified: new Date(written.lastModified) };
  }

  /**
   * A copy of the body's bytes alone, as the caller keeps its own (a miss answers from it): one
   * copy per turn of the event loop, so that the writes of a refresh, started together, let
   * requests in between their copies instead of holding them for the sum.
   */
  private copyInTurn(body: Buffer): Promise<Uint8Array<ArrayBuffer>> {
    const copy = this.copies.then(
      () =>
        new Promise<Uint8Array<ArrayBuffer>>((resolve) =>
          setImmediate(() => resolve(new Uint8Array(body))),
        ),
    );
    this.copies = copy;
    return copy;
  }

  changed(name: string, etag: string): Promise<boolean> {
    return this.local.changed(name, etag);
  }

  delete(name: string): Promise<boolean> {
    return this.local.delete(name);
  }

  list(prefix: string): Promise<string[]> {
    return this.local.list(prefix);
  }

  listPages(prefix: string, pageSize: number): AsyncIterable<string[]> {
    return this.local.listPages(prefix, pageSize);
  }

  /** Lets writes under way finish, then stops the thread. */
  async onApplicationShutdown(): Promise<void> {
    await this.thread.close();
  }
}
