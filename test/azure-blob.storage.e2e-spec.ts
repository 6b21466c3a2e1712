import { AzureBlobStorage } from '../src/blob/azure-blob.storage';
import { MetricsService } from '../src/metrics/metrics.service';
import { standaloneConfig } from './support/standalone-config';
import { uniqueContainer } from './support/test-app';

function storageInNewContainer(): AzureBlobStorage {
  const config = standaloneConfig({
    AZURE_STORAGE_CONNECTION_STRING: process.env.TEST_AZURE_STORAGE_CONNECTION_STRING ?? '',
    BLOB_CONTAINER: uniqueContainer(),
  });
  return new AzureBlobStorage(config, new MetricsService());
}

describe(AzureBlobStorage.name, () => {
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
