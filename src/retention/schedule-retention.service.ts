import { Injectable, Logger } from '@nestjs/common';
import { mapLimit } from '../common/map-limit';
import { BlobNames } from '../blob/blob-names';
import { BlobStorage } from '../blob/blob.storage';
import { AppConfig } from '../config/app-config';
import { addDays } from '../domain/pregen-dates';
import { ScheduleDate } from '../domain/schedule-key';
import { MetricsService } from '../metrics/metrics.service';

// Names listed per round trip; deletions of a page run before the next page is listed.
const LIST_PAGE_SIZE = 1_000;

export interface RetentionResult {
  /** The oldest date kept: every document and manifest of an earlier date is gone. */
  readonly keptFrom: ScheduleDate;
  readonly deleted: number;
}

/**
 * Deletes the documents and manifests of dates older than `today` − RETENTION_DAYS, page by page;
 * running it again deletes nothing more. Other blobs (users, toggles) are never touched.
 */
@Injectable()
export class ScheduleRetention {
  private readonly logger = new Logger(ScheduleRetention.name);

  constructor(
    private readonly storage: BlobStorage,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  async run(today: ScheduleDate): Promise<RetentionResult> {
    const { days } = this.config.retention;
    if (days < 1) {
      throw new Error('RETENTION_DAYS is 0: retention is off');
    }
    const keptFrom = addDays(today, -days);
    let deleted = 0;
    try {
      for await (const page of this.storage.listPages('', LIST_PAGE_SIZE)) {
        const expired = page.filter((name) => {
          const date = BlobNames.dateOf(name);
          return date !== null && date < keptFrom;
        });
        const gone = await mapLimit(expired, this.config.blob.writeConcurrency, (name) =>
          this.storage.delete(name),
        );
        deleted += gone.filter(Boolean).length;
      }
    } catch (error) {
      this.metrics.recordRetention('failed', deleted);
      throw error;
    }
    this.metrics.recordRetention('completed', deleted);
    this.logger.log({ msg: 'retention finished', keptFrom, deleted });
    return { keptFrom, deleted };
  }
}
