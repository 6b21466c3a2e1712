import { DefaultAzureCredential } from '@azure/identity';
import {
  BlobServiceClient,
  ContainerClient,
  RestError,
  StoragePipelineOptions,
} from '@azure/storage-blob';
import type { AppConfig } from '../config/app-config';
import type { MetricsService } from '../metrics/metrics.service';
import { BlobOperation } from '../metrics/metric-names';
import { BlobStorage, BlobWrite, BlobWriteResult, StoredBlob } from './blob.storage';

export type BlobConfig = AppConfig['blob'];
export type BlobMetrics = Pick<MetricsService, 'recordBlob'>;

/** Azure Blob Storage through the Azure SDK; built by ThreadedBlobStorage on each of its threads. */
export class AzureBlobStorage extends BlobStorage {
  private readonly container: ContainerClient;
  private readonly readTimeoutMs: number;

  constructor(
    config: BlobConfig,
    private readonly metrics: BlobMetrics,
  ) {
    super();
    this.container = blobServiceClient(config).getContainerClient(config.container);
    this.readTimeoutMs = config.timeoutMs;
  }

  async ensureContainer(): Promise<void> {
    try {
      await this.container.createIfNotExists();
    } catch (error) {
      // A credential limited to blobs (a data role on the container, a SAS) may not create
      // containers; an existing one is all the service needs.
      if (!(isForbidden(error) && (await this.containerListable()))) {
        throw error;
      }
    }
  }

  read(name: string): Promise<StoredBlob | null> {
    return this.timed('read', () => this.download(name));
  }

  write(name: string, blob: BlobWrite): Promise<BlobWriteResult> {
    return this.timed('write', () => this.upload(name, blob));
  }

  changed(name: string, etag: string): Promise<boolean> {
    return this.timed('read', async () => {
      try {
        await this.container.getBlobClient(name).getProperties({
          conditions: { ifNoneMatch: etag },
          abortSignal: AbortSignal.timeout(this.readTimeoutMs),
        });
        return true;
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 304) {
          return false;
        }
        if (isNotFound(error)) {
          return true;
        }
        throw error;
      }
    });
  }

  delete(name: string): Promise<boolean> {
    return this.timed('delete', async () => {
      const response = await this.container.getBlobClient(name).deleteIfExists();
      return response.succeeded;
    });
  }

  list(prefix: string): Promise<string[]> {
    return this.timed('list', async () => {
      const names: string[] = [];
      for await (const item of this.container.listBlobsFlat({ prefix })) {
        names.push(item.name);
      }
      return names;
    });
  }

  async *listPages(prefix: string, pageSize: number): AsyncIterable<string[]> {
    const pages = this.container.listBlobsFlat({ prefix }).byPage({ maxPageSize: pageSize });
    for (;;) {
      const startedAt = performance.now();
      const page = await pages.next();
      this.metrics.recordBlob('list', (performance.now() - startedAt) / 1000);
      if (page.done) {
        return;
      }
      yield page.value.segment.blobItems.map((item) => item.name);
    }
  }

  /** Listing is a right the service needs anyway; a missing container answers 404. */
  private async containerListable(): Promise<boolean> {
    try {
      await this.container.listBlobsFlat().byPage({ maxPageSize: 1 }).next();
      return true;
    } catch (error) {
      if (isNotFound(error)) {
        return false;
      }
      throw error;
    }
  }

  private async timed<T>(op: BlobOperation, run: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      return await run();
    } finally {
      this.metrics.recordBlob(op, (performance.now() - startedAt) / 1000);
    }
  }

  private async download(name: string): Promise<StoredBlob | null> {
    try {
      const response = await this.container
        .getBlobClient(name)
        .download(0, undefined, { abortSignal: AbortSignal.timeout(this.readTimeoutMs) });
      return {
        body: await readAll(response.readableStreamBody),
        etag: response.etag ?? '',
        lastModified: response.lastModified ?? new Date(0),
        contentType: response.contentType ?? 'application/octet-stream',
        metadata: response.metadata ?? {},
      };
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
  }

  private async upload(name: string, blob: BlobWrite): Promise<BlobWriteResult> {
    const upload = () =>
      this.container.getBlockBlobClient(name).uploadData(blob.body, {
        blobHTTPHeaders: { blobContentType: blob.contentType },
        metadata: blob.metadata,
      });
    let response;
    try {
      response = await upload();
    } catch (error) {
      // The container could not be created at boot (storage was down): create it now.
      if (!(error instanceof RestError && error.code === 'ContainerNotFound')) {
        throw error;
      }
      await this.ensureContainer();
      response = await upload();
    }
    return { etag: response.etag ?? '', lastModified: response.lastModified ?? new Date() };
  }
}

/** With AZURE_STORAGE_ACCOUNT_URL, the pod's Entra ID identity; else the connection string. */
export function blobServiceClient(blob: BlobConfig): BlobServiceClient {
  const options: StoragePipelineOptions = {
    // Fail fast: a slow store must not hold a read longer than asking the upstream would.
    retryOptions: { maxTries: 2, retryDelayInMs: 100, tryTimeoutInMs: blob.timeoutMs },
  };
  return blob.accountUrl
    ? new BlobServiceClient(blob.accountUrl, new DefaultAzureCredential(), options)
    : BlobServiceClient.fromConnectionString(blob.connectionString ?? '', options);
}

function isNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404;
}

function isForbidden(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 403;
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) {
    return Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}
