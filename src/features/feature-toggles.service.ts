import { Injectable, Logger } from '@nestjs/common';
import { BlobNames } from '../blob/blob-names';
import { BlobStorage, StoredBlob } from '../blob/blob.storage';
import { errorMessage } from '../common/error-message';
import { AppConfig } from '../config/app-config';
import { SCHEDULE_CONTENT_TYPE } from '../domain/schedule-document';
import { CompanyId } from '../domain/schedule-key';
import {
  DEFAULT_FEATURE_TOGGLES,
  FEATURE_TOGGLE_NAMES,
  FeatureToggleName,
  FeatureToggles,
} from './feature-toggles';

export interface CompanyFeatureToggles {
  readonly toggles: FeatureToggles;
  /** The stored blob's ETag, or 'default' for a company that never configured toggles. */
  readonly version: string;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}

export const DEFAULT_VERSION = 'default';

export class FeatureTogglesNotSavedError extends Error {
  constructor() {
    super('Blob storage unavailable: feature toggles not saved');
  }
}

const NEVER_CONFIGURED: CompanyFeatureToggles = {
  toggles: DEFAULT_FEATURE_TOGGLES,
  version: DEFAULT_VERSION,
  updatedAt: null,
  updatedBy: null,
};

interface CacheEntry {
  readonly value: CompanyFeatureToggles;
  readonly expiresAt: number;
}

/**
 * Per-company feature toggles, one blob per company. Each replica keeps them in memory for
 * FEATURE_TOGGLES_TTL_MS, so another replica's PUT is seen within that time; the replica that
 * handled a PUT sees it at once. Reads never fail: storage down means the last known toggles,
 * or the privacy-first defaults.
 */
@Injectable()
export class FeatureTogglesService {
  private readonly logger = new Logger(FeatureTogglesService.name);
  private readonly cache = new Map<CompanyId, CacheEntry>();
  private readonly reads = new Map<CompanyId, Promise<CompanyFeatureToggles>>();
  private readonly ttlMs: number;

  constructor(
    private readonly storage: BlobStorage,
    config: AppConfig,
  ) {
    this.ttlMs = config.featureToggles.ttlMs;
  }

  get(companyId: CompanyId): Promise<CompanyFeatureToggles> {
    const known = this.known(companyId);
    if (known) {
      return Promise.resolve(known);
    }
    return this.reads.get(companyId) ?? this.refresh(companyId, this.cache.get(companyId)?.value);
  }

  /** The company's toggles when fresh in memory; else undefined. */
  private known(companyId: CompanyId): CompanyFeatureToggles | undefined {
    const cached = this.cache.get(companyId);
    return cached && cached.expiresAt > Date.now() ? cached.value : undefined;
  }

  async put(
    companyId: CompanyId,
    toggles: FeatureToggles,
    updatedBy?: string,
  ): Promise<CompanyFeatureToggles> {
    const value = {
      toggles: togglesFrom(toggles),
      updatedAt: new Date().toISOString(),
      updatedBy: updatedBy ?? null,
    };
    const body = Buffer.from(
      JSON.stringify({ ...value.toggles, updatedAt: value.updatedAt, updatedBy: value.updatedBy }),
      'utf8',
    );
    let etag: string;
    try {
      ({ etag } = await this.storage.write(BlobNames.featureToggles(companyId), {
        body,
        contentType: SCHEDULE_CONTENT_TYPE,
      }));
    } catch (error) {
      this.logger.error(
        `Feature toggles of company ${companyId} not saved: ${errorMessage(error)}`,
      );
      throw new FeatureTogglesNotSavedError();
    }
    const stored = { ...value, version: etag };
    // A read that started before this write must not put the older toggles back.
    this.reads.delete(companyId);
    this.remember(companyId, stored);
    this.logger.log({ msg: 'feature toggles updated', companyId, ...stored });
    return stored;
  }

  private refresh(
    companyId: CompanyId,
    previous: CompanyFeatureToggles | undefined,
  ): Promise<CompanyFeatureToggles> {
    const read: Promise<CompanyFeatureToggles> = this.load(companyId, previous).then((value) => {
      if (this.reads.get(companyId) === read) {
        this.reads.delete(companyId);
        this.remember(companyId, value);
      }
      return value;
    });
    this.reads.set(companyId, read);
    return read;
  }

  private async load(
    companyId: CompanyId,
    previous: CompanyFeatureToggles | undefined,
  ): Promise<CompanyFeatureToggles> {
    try {
      const stored = await this.storage.read(BlobNames.featureToggles(companyId));
      return stored ? this.parse(companyId, stored) : NEVER_CONFIGURED;
    } catch (error) {
      this.logger.warn(
        `Feature toggles of company ${companyId} unreadable, using ${previous ? 'the last known ones' : 'the privacy-first defaults'}: ${errorMessage(error)}`,
      );
      return previous ?? NEVER_CONFIGURED;
    }
  }

  /** A bad blob hides rather than shows: what cannot be read takes the defaults. */
  private parse(companyId: CompanyId, stored: StoredBlob): CompanyFeatureToggles {
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(stored.body.toString('utf8'));
      body =
        typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch (error) {
      this.logger.warn(
        `Feature toggles of company ${companyId} are not JSON, using the defaults: ${errorMessage(error)}`,
      );
    }
    return {
      toggles: togglesFrom(body),
      version: stored.etag,
      updatedAt: typeof body.updatedAt === 'string' ? body.updatedAt : null,
      updatedBy: typeof body.updatedBy === 'string' ? body.updatedBy : null,
    };
  }

  private remember(companyId: CompanyId, value: CompanyFeatureToggles): void {
    this.cache.set(companyId, { value, expiresAt: Date.now() + this.ttlMs });
  }
}

/** Exactly the known toggles; one missing or not a boolean takes its default. */
function togglesFrom(source: Partial<Record<FeatureToggleName, unknown>>): FeatureToggles {
  const toggles: Record<FeatureToggleName, boolean> = { ...DEFAULT_FEATURE_TOGGLES };
  for (const name of FEATURE_TOGGLE_NAMES) {
    const value = source[name];
    if (typeof value === 'boolean') {
      toggles[name] = value;
    }
  }
  return toggles;
}
