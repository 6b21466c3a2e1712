import { Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import { BlobNames } from '../blob/blob-names';
import { BlobStorage, StoredBlob } from '../blob/blob.storage';
import { EMPTY_SCHEDULE } from './schedule-document';
import { ScheduleKey } from './schedule-key';
import { ScheduleRefreshService } from './schedule-refresh.service';

export type ScheduleSource = 'cache' | 'upstream';

export interface ScheduleAnswer {
  readonly body: Buffer;
  readonly source: ScheduleSource;
}

/** Cache-first lookup: the stored document, else one shared refresh of the date. */
@Injectable()
export class ScheduleService {
  private readonly logger = new Logger(ScheduleService.name);

  constructor(
    private readonly storage: BlobStorage,
    private readonly refresher: ScheduleRefreshService,
  ) {}

  async get(key: ScheduleKey, reread = true): Promise<ScheduleAnswer> {
    const finishedBefore = this.refresher.finishedCount;
    let stored: StoredBlob | null;
    try {
      stored = await this.storage.read(BlobNames.schedule(key.companyId, key.date));
    } catch (error) {
      this.logger.warn(`Blob storage unavailable, answering from upstream: ${errorMessage(error)}`);
      return this.fromUpstream(key);
    }
    if (stored) {
      return { body: stored.body, source: 'cache' };
    }
    if (await this.absentFromRefreshedDate(key)) {
      return { body: EMPTY_SCHEDULE.body, source: 'cache' };
    }
    if (reread && this.refresher.finishedCount !== finishedBefore) {
      // A refresh finished storing while we looked: read again rather than fetch again.
      return this.get(key, false);
    }
    return this.fromUpstream(key);
  }

  /** A company missing from a refreshed date's manifest had no jobs: no upstream call needed. */
  private async absentFromRefreshedDate(key: ScheduleKey): Promise<boolean> {
    try {
      const manifest = await this.refresher.readManifest(key.date);
      return manifest !== null && !manifest.companies.has(key.companyId);
    } catch (error) {
      this.logger.warn(`Manifest unreadable for ${key.date}: ${errorMessage(error)}`);
      return false;
    }
  }

  private async fromUpstream(key: ScheduleKey): Promise<ScheduleAnswer> {
    const documents = await this.refresher.start(key.date).documents;
    return { body: (documents.get(key.companyId) ?? EMPTY_SCHEDULE).body, source: 'upstream' };
  }
}
