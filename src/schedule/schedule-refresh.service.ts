import { createHash } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import { BlobNames } from '../blob/blob-names';
import { BlobStorage } from '../blob/blob.storage';
import { mapLimit } from '../common/map-limit';
import { AppConfig } from '../config/app-config';
import { UpstreamClient } from '../upstream/upstream.client';
import { DateManifest, ManifestEntry, parseManifest, serializeManifest } from './date-manifest';
import {
  EMPTY_SCHEDULE,
  SCHEDULE_CONTENT_TYPE,
  ScheduleDocument,
  splitByCompany,
} from './schedule-document';
import { CompanyId, ScheduleDate } from './schedule-key';

export interface RefreshOptions {
  /** Skip uploading a document whose sha256 equals the manifest's, so its ETag stays stable. */
  readonly skipUnchanged?: boolean;
  readonly cycleId?: string;
}

export interface DateRefreshResult {
  readonly date: ScheduleDate;
  readonly companies: number;
  readonly written: number;
  readonly unchanged: number;
  readonly emptied: number;
  readonly failed: number;
  readonly bytes: number;
  readonly upstreamMs: number;
  readonly durationMs: number;
}

export interface DateRefresh {
  /** Settles as soon as the upstream answer is split: all the miss path waits for. */
  readonly documents: Promise<ReadonlyMap<CompanyId, ScheduleDocument>>;
  /** Settles when every document and the manifest are stored, or have failed. */
  readonly persisted: Promise<DateRefreshResult>;
}

interface RunningRefresh extends DateRefresh {
  fetched: boolean;
}

type WriteOutcome = 'written' | 'unchanged' | 'emptied' | 'failed';

/** Fetch one date once, split it per company, store every document and the date's manifest. */
@Injectable()
export class ScheduleRefreshService implements OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleRefreshService.name);
  private readonly inFlight = new Map<ScheduleDate, RunningRefresh>();
  private finished = 0;

  constructor(
    private readonly upstream: UpstreamClient,
    private readonly storage: BlobStorage,
    private readonly config: AppConfig,
  ) {}

  /** Joins the refresh of `date` already running in this process, or starts one: the miss path. */
  start(date: ScheduleDate, options: RefreshOptions = {}): DateRefresh {
    const running = this.inFlight.get(date);
    if (running) {
      return running;
    }
    const startedAt = performance.now();
    const documents = this.fetch(date);
    const persisted = documents.then((docs) =>
      this.persist(date, docs, options, startedAt, performance.now() - startedAt),
    );
    const refresh: RunningRefresh = { documents, persisted, fetched: false };
    this.inFlight.set(date, refresh);
    const fetched = () => (refresh.fetched = true);
    documents.then(fetched, fetched);
    const forget = () => {
      this.inFlight.delete(date);
      this.finished += 1;
    };
    persisted.then(forget, forget);
    return refresh;
  }

  /** Refreshes over in this process: a reader that found nothing can notice one that just stored. */
  get finishedCount(): number {
    return this.finished;
  }

  /**
   * A refresh whose upstream answer is not older than this call: joins one still fetching,
   * otherwise waits for the running one to be stored and starts anew.
   */
  async refresh(date: ScheduleDate, options: RefreshOptions = {}): Promise<DateRefreshResult> {
    for (let running = this.inFlight.get(date); running; running = this.inFlight.get(date)) {
      if (!running.fetched) {
        return running.persisted;
      }
      await running.persisted.catch(() => undefined);
    }
    return this.start(date, options).persisted;
  }

  /** Waits until every refresh of this process is stored, so a shutdown loses no write. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight.values()].map((refresh) => refresh.persisted));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private async fetch(date: ScheduleDate): Promise<Map<CompanyId, ScheduleDocument>> {
    const answer = await this.upstream.fetchSchedule(date);
    return splitByCompany(answer.text, answer.companyIds);
  }

  private async persist(
    date: ScheduleDate,
    documents: ReadonlyMap<CompanyId, ScheduleDocument>,
    options: RefreshOptions,
    startedAt: number,
    upstreamMs: number,
  ): Promise<DateRefreshResult> {
    const summary = (outcomes: WriteOutcome[]): DateRefreshResult => ({
      date,
      companies: documents.size,
      written: outcomes.filter((o) => o === 'written').length,
      unchanged: outcomes.filter((o) => o === 'unchanged').length,
      emptied: outcomes.filter((o) => o === 'emptied').length,
      failed: outcomes.filter((o) => o === 'failed').length,
      bytes: [...documents.values()].reduce((sum, doc) => sum + doc.body.length, 0),
      upstreamMs: Math.round(upstreamMs),
      durationMs: Math.round(performance.now() - startedAt),
    });

    let previous: DateManifest | null;
    try {
      previous = await this.readManifest(date);
    } catch (error) {
      // Without the previous manifest, cancelled jobs could not be emptied: write nothing.
      this.logger.warn(
        `Refresh of ${date}: manifest unreadable, nothing stored: ${errorMessage(error)}`,
      );
      return summary(Array<WriteOutcome>(documents.size).fill('failed'));
    }

    const generatedAt = new Date().toISOString();
    const emptied = [...(previous?.companies.keys() ?? [])].filter((id) => !documents.has(id));
    const targets: [CompanyId, ScheduleDocument][] = [
      ...documents,
      ...emptied.map((id): [CompanyId, ScheduleDocument] => [id, EMPTY_SCHEDULE]),
    ];
    const entries = new Map<CompanyId, ManifestEntry>();
    const outcomes = await mapLimit(
      targets,
      this.config.blob.writeConcurrency,
      async ([companyId, doc]): Promise<WriteOutcome> => {
        const entry = { jobs: doc.jobs, sha256: sha256(doc.body), bytes: doc.body.length };
        if (doc.jobs > 0) {
          entries.set(companyId, entry);
        }
        if (options.skipUnchanged && previous?.companies.get(companyId)?.sha256 === entry.sha256) {
          return 'unchanged';
        }
        try {
          await this.storage.write(BlobNames.schedule(companyId, date), {
            body: doc.body,
            contentType: SCHEDULE_CONTENT_TYPE,
            metadata: {
              sha256: entry.sha256,
              bytes: String(entry.bytes),
              jobs: String(entry.jobs),
              generatedat: generatedAt,
              ...(options.cycleId ? { cycleid: options.cycleId } : {}),
            },
          });
          return documents.has(companyId) ? 'written' : 'emptied';
        } catch (error) {
          this.logger.warn(
            `Refresh of ${date}: company ${companyId} not stored: ${errorMessage(error)}`,
          );
          return 'failed';
        }
      },
    );

    // The manifest is written last and only after every document, so a retry redoes the rest.
    if (!outcomes.includes('failed')) {
      const manifest = { date, generatedAt, cycleId: options.cycleId, companies: entries };
      try {
        await this.storage.write(BlobNames.manifest(date), {
          body: serializeManifest(manifest),
          contentType: 'application/json',
        });
      } catch (error) {
        this.logger.warn(`Refresh of ${date}: manifest not stored: ${errorMessage(error)}`);
        outcomes.push('failed');
      }
    }
    return summary(outcomes);
  }

  async readManifest(date: ScheduleDate): Promise<DateManifest | null> {
    const blob = await this.storage.read(BlobNames.manifest(date));
    return blob ? parseManifest(blob.body) : null;
  }
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}
