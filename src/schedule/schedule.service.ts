import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { errorMessage } from '../common/error-message';
import { BlobNames } from '../blob/blob-names';
import { BlobStorage, StoredBlob } from '../blob/blob.storage';
import { AppConfig } from '../config/app-config';
import { RefreshCoordinator } from '../coordination/refresh-coordinator';
import { DateManifest } from '../domain/date-manifest';
import { CachedDocument, DocumentCache, DocumentSource } from './document-cache';
import { RefreshRequests } from '../refresh/refresh-requests';
import { EMPTY_SCHEDULE } from '../domain/schedule-document';
import { ScheduleKey } from '../domain/schedule-key';
import { ScheduleRefreshService } from '../refresh/schedule-refresh.service';
import { OperatorSwitches } from '../switches/operator-switches.service';
import { UpstreamReads } from './upstream-reads.service';

/**
 * HIT: stored and fresh; STALE: stored, older than CACHE_MAX_AGE; MISS: waited for upstream;
 * BYPASS: serve mode `upstream`, a fresh legacy call that nothing stores.
 */
export type CacheState = 'HIT' | 'STALE' | 'MISS' | 'BYPASS';

export interface ScheduleAnswer {
  readonly document: CachedDocument;
  readonly state: CacheState;
}

/** A derived representation of a company's document (a technician's), cached beside it. */
export interface DocumentView {
  /** Names the view in cache keys: whatever changes its bytes (employee, toggles version). */
  readonly id: string;
  render(document: Buffer): Buffer;
}

interface Loaded {
  readonly body: Buffer;
  readonly source: DocumentSource;
  readonly sha256?: string;
}

// Dates whose stale refresh this replica asked for lately: Bull dedupes the rest.
const STALE_REQUESTS_MAX = 1_000;
// A refresh that failed is asked for again after this long, however short CACHE_MAX_AGE is.
const STALE_RETRY_MS = 60_000;

/**
 * Cache-first lookup: memory, then blob storage, then one refresh of the date shared by every
 * replica. Stale documents are served at once while a background refresh is queued.
 */
@Injectable()
export class ScheduleService {
  private readonly logger = new Logger(ScheduleService.name);
  private readonly maxAgeMs: number;
  private readonly staleRequested = new LRUCache<string, string>({ max: STALE_REQUESTS_MAX });
  private readonly loading = new Map<string, Promise<Loaded | null>>();

  constructor(
    private readonly storage: BlobStorage,
    private readonly refresher: ScheduleRefreshService,
    private readonly cache: DocumentCache,
    private readonly refreshRequests: RefreshRequests,
    private readonly config: AppConfig,
    coordinator: RefreshCoordinator,
    private readonly switches: OperatorSwitches,
    private readonly upstreamReads: UpstreamReads,
  ) {
    this.maxAgeMs = config.cache.maxAgeSeconds * 1000;
    coordinator.onOutcome(({ date, result, freshness }) => {
      if (freshness) {
        this.cache.refreshDate(date, new Set(freshness.changed), freshness.at);
      } else if (result) {
        this.cache.invalidateDate(date);
      }
    });
  }

  /** The company's document, or `view` of it; views are cached beside the document. */
  async get(key: ScheduleKey, view?: DocumentView): Promise<ScheduleAnswer> {
    if (this.switches.serveMode === 'upstream') {
      return this.bypass(key, view);
    }
    const known = this.fromMemory(key, view);
    if (known) {
      return known;
    }
    if (!view) {
      return this.fetchDocument(key);
    }
    const viewKey = DocumentCache.key(key.date, key.companyId, `/${view.id}`);
    const generation = this.cache.generation;
    const { document, state } = this.fromMemory(key) ?? (await this.fetchDocument(key));
    const rendered = view.render(document.body);
    const viewDocument =
      state === 'MISS'
        ? new CachedDocument(rendered, document.source)
        : this.cache.set(viewKey, rendered, document.source, generation);
    return { document: viewDocument, state };
  }

  /** Serve mode `upstream`: a fresh legacy answer, rendered per request, kept nowhere. */
  private async bypass(key: ScheduleKey, view?: DocumentView): Promise<ScheduleAnswer> {
    const body = await this.upstreamReads.body(key);
    const source = { blobEtag: null, generatedAt: Date.now() };
    return {
      document: new CachedDocument(view ? view.render(body) : body, source),
      state: 'BYPASS',
    };
  }

  /** The answer from memory (HIT or STALE); undefined when not in memory. */
  private fromMemory(key: ScheduleKey, view?: DocumentView): ScheduleAnswer | undefined {
    const cacheKey = DocumentCache.key(key.date, key.companyId, view ? `/${view.id}` : '');
    const cached = this.cache.get(cacheKey);
    if (!cached) {
      return undefined;
    }
    const now = Date.now();
    this.revalidateIfDue(cacheKey, key, cached, now);
    return this.stored(key, cached, now);
  }

  /** The document, not in memory: from storage, else from one shared refresh. */
  private async fetchDocument(key: ScheduleKey): Promise<ScheduleAnswer> {
    const requestedAt = Date.now();
    const cacheKey = DocumentCache.key(key.date, key.companyId);
    const generation = this.cache.generation;
    let loaded: Loaded | null;
    try {
      loaded = await this.loadOnce(`${cacheKey}#${generation}`, key);
    } catch (error) {
      this.logger.warn(`Blob storage unavailable, answering from upstream: ${errorMessage(error)}`);
      return this.fromUpstream(key, requestedAt);
    }
    if (loaded) {
      const { body, source, sha256 } = loaded;
      return this.stored(key, this.cache.set(cacheKey, body, source, generation, sha256));
    }
    return this.fromUpstream(key, requestedAt);
  }

  /**
   * Reads the stored document into memory, unless that would evict another (`full`); `manifest`
   * is its date's, already read. Never calls the upstream.
   */
  async preload(key: ScheduleKey, manifest: DateManifest): Promise<'loaded' | 'full' | 'absent'> {
    const cacheKey = DocumentCache.key(key.date, key.companyId);
    const generation = this.cache.generation;
    const loaded = await this.loadOnce(`${cacheKey}#${generation}`, key, manifest);
    if (!loaded) {
      return 'absent';
    }
    const { body, source, sha256 } = loaded;
    return this.cache.admit(cacheKey, body, source, generation, sha256) ? 'loaded' : 'full';
  }

  private stored(key: ScheduleKey, document: CachedDocument, now = Date.now()): ScheduleAnswer {
    if (now - document.freshAt <= this.maxAgeMs) {
      return { document, state: 'HIT' };
    }
    this.requestRefresh(key, document);
    return { document, state: 'STALE' };
  }

  /** Concurrent requests for a document not in memory share one read (per cache generation). */
  private loadOnce(
    loadKey: string,
    key: ScheduleKey,
    manifest?: DateManifest,
  ): Promise<Loaded | null> {
    if (!this.cache.enabled) {
      // CACHE_MEMORY_MB=0 means every request reads storage (the benchmark's naive baseline).
      return this.load(key, manifest);
    }
    let pending = this.loading.get(loadKey);
    if (!pending) {
      pending = this.load(key, manifest);
      this.loading.set(loadKey, pending);
      const forget = () => this.loading.delete(loadKey);
      pending.then(forget, forget);
    }
    return pending;
  }

  /**
   * The stored document, the empty one for a company a refreshed date did not list, or null;
   * `known` is the date's manifest when the caller has read it already.
   */
  private async load(key: ScheduleKey, known?: DateManifest): Promise<Loaded | null> {
    const blob = await this.storage.read(BlobNames.schedule(key.companyId, key.date));
    const writtenAt = blob
      ? Date.parse(blob.metadata.generatedat ?? '') || blob.lastModified.getTime()
      : 0;
    if (blob && Date.now() - writtenAt <= this.maxAgeMs) {
      return {
        body: blob.body,
        source: { blobEtag: blob.etag, generatedAt: writtenAt },
        sha256: blob.metadata.sha256,
      };
    }
    const manifest = known ?? (await this.readManifest(key));
    if (blob) {
      // A refresh that found the same bytes did not rewrite them: its manifest dates them.
      const confirmedAt = confirms(manifest, key, blob) ? Date.parse(manifest!.generatedAt) : 0;
      return {
        body: blob.body,
        source: { blobEtag: blob.etag, generatedAt: Math.max(writtenAt, confirmedAt) },
        sha256: blob.metadata.sha256,
      };
    }
    if (manifest && !manifest.companies.has(key.companyId)) {
      const source = { blobEtag: null, generatedAt: Date.parse(manifest.generatedAt) };
      return { body: EMPTY_SCHEDULE.body, source };
    }
    return null;
  }

  private async readManifest(key: ScheduleKey): Promise<DateManifest | null> {
    try {
      return await this.refresher.readManifest(key.date);
    } catch (error) {
      this.logger.warn(`Manifest unreadable for ${key.date}: ${errorMessage(error)}`);
      return null;
    }
  }

  private async fromUpstream(key: ScheduleKey, since: number): Promise<ScheduleAnswer> {
    let documents = await this.refresher.start(key.date, {}, since).documents;
    if (documents === null) {
      // Another replica stored the date while we waited: read what it wrote.
      const loaded = await this.load(key).catch(() => null);
      if (loaded) {
        return {
          document: new CachedDocument(loaded.body, loaded.source, loaded.sha256),
          state: 'MISS',
        };
      }
      documents = await this.refresher.start(key.date).documents;
    }
    const body = (documents?.get(key.companyId) ?? EMPTY_SCHEDULE).body;
    return {
      document: new CachedDocument(body, { blobEtag: null, generatedAt: Date.now() }),
      state: 'MISS',
    };
  }

  /** One queued refresh per date and stale version per retry window, from every replica. */
  private requestRefresh(key: ScheduleKey, document: CachedDocument): void {
    const window = Math.floor(Date.now() / Math.max(this.maxAgeMs, STALE_RETRY_MS));
    const version = `${document.freshAt}-${window}`;
    if (this.staleRequested.get(key.date) === version) {
      return;
    }
    this.staleRequested.set(key.date, version);
    this.refreshRequests.requestRefresh(key.date, version).catch((error: unknown) => {
      this.staleRequested.delete(key.date);
      this.logger.warn(`Refresh of stale ${key.date} not queued: ${errorMessage(error)}`);
    });
  }

  /** Backstop for a missed invalidation message: a cheap conditional check, off the hot path. */
  private revalidateIfDue(
    cacheKey: string,
    key: ScheduleKey,
    document: CachedDocument,
    now: number,
  ): void {
    if (now - document.checkedAt < this.config.cache.revalidateMs) {
      return;
    }
    document.checkedAt = now;
    const { blobEtag } = document.source;
    if (blobEtag === null) {
      this.cache.delete(cacheKey, document);
      return;
    }
    this.storage.changed(BlobNames.schedule(key.companyId, key.date), blobEtag).then(
      (changed) => changed && this.cache.delete(cacheKey, document),
      (error: unknown) =>
        this.logger.debug(`Revalidation of ${cacheKey} failed: ${errorMessage(error)}`),
    );
  }
}

function confirms(manifest: DateManifest | null, key: ScheduleKey, blob: StoredBlob): boolean {
  if (!manifest) {
    return false;
  }
  const entry = manifest.companies.get(key.companyId);
  return entry ? entry.sha256 === blob.metadata.sha256 : blob.metadata.jobs === '0';
}
