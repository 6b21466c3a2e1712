import { SHOW_ALL_TOGGLES } from '../../test/support/feature-toggles';
import { Logger } from '@nestjs/common';
import { InMemoryBlobStorage } from '../../test/support/in-memory-blob.storage';
import { BlobNames } from '../blob/blob-names';
import { StoredBlob } from '../blob/blob.storage';
import { AppConfig } from '../config/app-config';
import { CompanyId } from '../domain/schedule-key';
import { DEFAULT_FEATURE_TOGGLES, FeatureToggles } from './feature-toggles';
import { FeatureTogglesNotSavedError, FeatureTogglesService } from './feature-toggles.service';

const COMPANY = 59 as CompanyId;
const TTL_MS = 10_000;

function replica(storage: InMemoryBlobStorage): FeatureTogglesService {
  return new FeatureTogglesService(storage, { featureToggles: { ttlMs: TTL_MS } } as AppConfig);
}

describe(FeatureTogglesService.name, () => {
  let storage: InMemoryBlobStorage;
  let service: FeatureTogglesService;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-23T10:00:00Z') });
    storage = new InMemoryBlobStorage();
    service = replica(storage);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('should answer the privacy-first defaults for a company that never configured toggles', async () => {
    await expect(service.get(COMPANY)).resolves.toEqual({
      toggles: DEFAULT_FEATURE_TOGGLES,
      version: 'default',
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('should store every toggle with updatedAt and updatedBy in the company blob', async () => {
    const saved = await service.put(COMPANY, SHOW_ALL_TOGGLES, 'admin@example.com');

    expect(JSON.parse(storage.text(BlobNames.featureToggles(COMPANY))!)).toEqual({
      ...SHOW_ALL_TOGGLES,
      updatedAt: '2026-11-23T10:00:00.000Z',
      updatedBy: 'admin@example.com',
    });
    expect(saved).toEqual({
      toggles: SHOW_ALL_TOGGLES,
      version: storage.blobs.get(BlobNames.featureToggles(COMPANY))!.etag,
      updatedAt: '2026-11-23T10:00:00.000Z',
      updatedBy: 'admin@example.com',
    });
  });

  it('should store only the known toggles', async () => {
    await service.put(COMPANY, { ...SHOW_ALL_TOGGLES, Extra: true } as FeatureToggles);

    expect(JSON.parse(storage.text(BlobNames.featureToggles(COMPANY))!)).not.toHaveProperty(
      'Extra',
    );
  });

  it('should see its own PUT at once, before the cached defaults expire', async () => {
    await service.get(COMPANY);
    const saved = await service.put(COMPANY, SHOW_ALL_TOGGLES);

    await expect(service.get(COMPANY)).resolves.toEqual(saved);
  });

  it("should see another replica's PUT once the TTL has passed", async () => {
    const other = replica(storage);
    await service.get(COMPANY);
    const saved = await other.put(COMPANY, SHOW_ALL_TOGGLES);

    await expect(service.get(COMPANY)).resolves.toMatchObject({ version: 'default' });
    jest.advanceTimersByTime(TTL_MS);
    await expect(service.get(COMPANY)).resolves.toEqual(saved);
  });

  it('should read storage once for concurrent gets', async () => {
    const read = jest.spyOn(storage, 'read');
    await Promise.all([service.get(COMPANY), service.get(COMPANY), service.get(COMPANY)]);
    await service.get(COMPANY);

    expect(read).toHaveBeenCalledTimes(1);
  });

  it('should keep a PUT when a read that started before it ends after it', async () => {
    await storage.write(BlobNames.featureToggles(COMPANY), {
      body: Buffer.from(JSON.stringify(DEFAULT_FEATURE_TOGGLES)),
      contentType: 'application/json',
    });
    let release: () => void = () => undefined;
    const slowRead = storage.read(BlobNames.featureToggles(COMPANY));
    jest
      .spyOn(storage, 'read')
      .mockImplementationOnce(
        () => new Promise<StoredBlob | null>((resolve) => (release = () => resolve(slowRead))),
      );

    const before = service.get(COMPANY);
    const saved = await service.put(COMPANY, SHOW_ALL_TOGGLES);
    release();
    await before;

    await expect(service.get(COMPANY)).resolves.toEqual(saved);
  });

  describe('with storage down', () => {
    it('should answer the defaults when nothing was read before, and warn', async () => {
      storage.failReads = true;

      await expect(service.get(COMPANY)).resolves.toMatchObject({
        toggles: DEFAULT_FEATURE_TOGGLES,
        version: 'default',
      });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('privacy-first defaults'));
    });

    it('should answer the last known toggles after they expired', async () => {
      const saved = await replica(storage).put(COMPANY, SHOW_ALL_TOGGLES);
      await service.get(COMPANY);
      storage.failReads = true;
      jest.advanceTimersByTime(TTL_MS);

      await expect(service.get(COMPANY)).resolves.toEqual(saved);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('last known'));
    });

    it('should try storage again only after the TTL', async () => {
      storage.failReads = true;
      await service.get(COMPANY);
      const saved = await replica(storage).put(COMPANY, SHOW_ALL_TOGGLES);
      storage.failReads = false;

      await expect(service.get(COMPANY)).resolves.toMatchObject({ version: 'default' });
      jest.advanceTimersByTime(TTL_MS);
      await expect(service.get(COMPANY)).resolves.toEqual(saved);
    });

    it('should fail a PUT and keep answering what it had', async () => {
      storage.failWrites.add(BlobNames.featureToggles(COMPANY));

      await expect(service.put(COMPANY, SHOW_ALL_TOGGLES)).rejects.toThrow(
        FeatureTogglesNotSavedError,
      );
      await expect(service.get(COMPANY)).resolves.toMatchObject({ version: 'default' });
    });
  });

  it('should take the default of each toggle a stored blob lacks or mistypes', async () => {
    await storage.write(BlobNames.featureToggles(COMPANY), {
      body: Buffer.from(
        '{"TechDashboard_DisplayBillRate":true,"TechDashboard_HideDiscounts":"no"}',
      ),
      contentType: 'application/json',
    });

    await expect(service.get(COMPANY)).resolves.toMatchObject({
      toggles: { ...DEFAULT_FEATURE_TOGGLES, TechDashboard_DisplayBillRate: true },
      updatedAt: null,
    });
  });

  it('should answer the defaults for a stored blob that is not JSON', async () => {
    await storage.write(BlobNames.featureToggles(COMPANY), {
      body: Buffer.from('{not json'),
      contentType: 'application/json',
    });

    await expect(service.get(COMPANY)).resolves.toMatchObject({
      toggles: DEFAULT_FEATURE_TOGGLES,
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('not JSON'));
  });
});
