import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { AzureBlobStorage } from '../src/blob/azure-blob.storage';
import { BlobStorage } from '../src/blob/blob.storage';
import { ThreadedBlobStorage } from '../src/blob/threaded-blob.storage';
import { MetricsService } from '../src/metrics/metrics.service';
import { standaloneConfig } from './support/standalone-config';
import { backgroundThreadCount } from './support/thread-priorities';
import { uniqueContainer } from './support/test-app';

const AZURITE = process.env.TEST_AZURE_STORAGE_CONNECTION_STRING ?? '';

type Adapter = typeof AzureBlobStorage | typeof ThreadedBlobStorage;
const ADAPTERS: { adapter: Adapter }[] = [
  { adapter: AzureBlobStorage },
  { adapter: ThreadedBlobStorage },
];
const threads: ThreadedBlobStorage[] = [];

function storageIn(
  container: string,
  connectionString: string,
  adapter: Adapter,
  metrics = new MetricsService(),
): BlobStorage {
  const config = standaloneConfig({
    AZURE_STORAGE_CONNECTION_STRING: connectionString,
    BLOB_CONTAINER: container,
  });
  if (adapter === AzureBlobStorage) {
    return new AzureBlobStorage(config.blob, metrics);
  }
  const threaded = new ThreadedBlobStorage(config, metrics);
  threads.push(threaded);
  return threaded;
}

afterAll(async () => {
  await Promise.all(threads.map((storage) => storage.onApplicationShutdown()));
});

/** A SAS on one container's blobs: read, write, delete and list, but no right to create it. */
function blobsOnlyConnectionString(container: string): string {
  const field = (name: string) => new RegExp(`${name}=([^;]+)`).exec(AZURITE)?.[1] ?? '';
  const sas = generateBlobSASQueryParameters(
    {
      containerName: container,
      permissions: ContainerSASPermissions.parse('rwdl'),
      expiresOn: new Date(Date.now() + 3_600_000),
    },
    new StorageSharedKeyCredential(field('AccountName'), field('AccountKey')),
  );
  return `BlobEndpoint=${field('BlobEndpoint')};SharedAccessSignature=${sas.toString()}`;
}

describe.each(ADAPTERS)('$adapter.name', ({ adapter }) => {
  const storageInNewContainer = () => storageIn(uniqueContainer(), AZURITE, adapter);
  const storage = storageInNewContainer();

  beforeAll(async () => {
    await storage.ensureContainer();
  });

  it('should create the container only once', async () => {
    await expect(storage.ensureContainer()).resolves.toBeUndefined();
  });

  it('should read back the bytes, content type and metadata it wrote', async () => {
    const body = Buffer.from('{"Result":[{"Name":"Zoë"}]}', 'utf8');

    const written = await storage.write('59/2025-12-03/schedule.json', {
      body,
      contentType: 'application/json; charset=utf-8',
      metadata: { sha256: 'abc', jobs: '1' },
    });
    const read = await storage.read('59/2025-12-03/schedule.json');

    expect(read?.body.equals(body)).toBe(true);
    expect(read?.contentType).toBe('application/json; charset=utf-8');
    expect(read?.metadata).toEqual({ sha256: 'abc', jobs: '1' });
    expect(read?.etag).toBe(written.etag);
    expect(read?.lastModified).toBeInstanceOf(Date);
    expect(written.lastModified).toBeInstanceOf(Date);
  });

  it('should answer null for a blob that does not exist', async () => {
    await expect(storage.read('404/2025-12-03/schedule.json')).resolves.toBeNull();
  });

  it('should change the ETag when a blob is overwritten', async () => {
    const first = await storage.write('60/a', {
      body: Buffer.from('1'),
      contentType: 'text/plain',
    });
    const second = await storage.write('60/a', {
      body: Buffer.from('2'),
      contentType: 'text/plain',
    });

    expect(second.etag).not.toBe(first.etag);
    expect((await storage.read('60/a'))?.body.toString()).toBe('2');
  });

  it('should create a missing container on the first write', async () => {
    const late = storageInNewContainer();

    await late.write('1/a', { body: Buffer.from('x'), contentType: 'text/plain' });

    expect((await late.read('1/a'))?.body.toString()).toBe('x');
  });

  it('should list by prefix and delete', async () => {
    for (const name of ['61/2025-12-03/schedule.json', '61/2025-12-04/schedule.json', '610/x']) {
      await storage.write(name, { body: Buffer.from('{}'), contentType: 'application/json' });
    }

    expect((await storage.list('61/')).sort()).toEqual([
      '61/2025-12-03/schedule.json',
      '61/2025-12-04/schedule.json',
    ]);
    expect(await storage.delete('61/2025-12-03/schedule.json')).toBe(true);
    expect(await storage.delete('61/2025-12-03/schedule.json')).toBe(false);
    expect(await storage.list('61/')).toEqual(['61/2025-12-04/schedule.json']);
  });

  it('should list by prefix in pages of at most the page size, in name order', async () => {
    const names = ['62/a', '62/b', '62/c', '62/d', '62/e'];
    for (const name of [...names].reverse()) {
      await storage.write(name, { body: Buffer.from('{}'), contentType: 'application/json' });
    }
    const pages: string[][] = [];

    for await (const page of storage.listPages('62/', 2)) {
      pages.push(page);
    }

    expect(pages).toEqual([['62/a', '62/b'], ['62/c', '62/d'], ['62/e']]);
  });
});

describe.each(ADAPTERS)(
  '$adapter.name with a credential that may not create containers',
  ({ adapter }) => {
    it('should use an existing container', async () => {
      const container = uniqueContainer();
      await storageIn(container, AZURITE, adapter).ensureContainer();
      const storage = storageIn(container, blobsOnlyConnectionString(container), adapter);

      await storage.ensureContainer();
      await storage.write('1/a', { body: Buffer.from('x'), contentType: 'text/plain' });

      expect((await storage.read('1/a'))?.body.toString()).toBe('x');
    });

    it('should fail on a missing container with the storage answer', async () => {
      const container = uniqueContainer();
      const storage = storageIn(container, blobsOnlyConnectionString(container), adapter);

      await expect(storage.ensureContainer()).rejects.toMatchObject({ statusCode: 403 });
    });
  },
);

describe(ThreadedBlobStorage.name, () => {
  it("should keep the caller's body and record the thread's timings in this thread's metrics", async () => {
    const metrics = new MetricsService();
    const storage = storageIn(uniqueContainer(), AZURITE, ThreadedBlobStorage, metrics);
    await storage.ensureContainer();
    const body = Buffer.from('{"Result":[]}');

    await storage.write('63/a', { body, contentType: 'application/json' });
    await storage.read('63/a');
    await storage.read('63/missing');

    expect(body.toString()).toBe('{"Result":[]}');
    const text = await metrics.registry.metrics();
    const count = (op: string) =>
      Number(
        new RegExp(
          `^schedule_cache_blob_operation_duration_seconds_count{op="${op}"} (\\d+)$`,
          'm',
        ).exec(text)?.[1],
      );
    expect({ read: count('read'), write: count('write') }).toEqual({ read: 2, write: 1 });
  });

  it('should write from a thread at a lower priority than the main thread', async () => {
    const storage = storageIn(uniqueContainer(), AZURITE, ThreadedBlobStorage);
    await storage.ensureContainer();
    const before = backgroundThreadCount();

    await storage.write('1/a', { body: Buffer.from('x'), contentType: 'text/plain' });

    expect(backgroundThreadCount()).toBe(before + 1);
  });

  it('should fail a write with the storage error message', async () => {
    const storage = storageIn(
      uniqueContainer(),
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1',
      ThreadedBlobStorage,
    );

    await expect(
      storage.write('1/a', { body: Buffer.from('x'), contentType: 'text/plain' }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
