import { createHash } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import { BlobNames } from '../blob/blob-names';
import { BlobStorage } from '../blob/blob.storage';
import { mapLimit } from '../common/map-limit';
import { BudgetHold, MemoryBudget } from '../common/memory-budget';
import { AppConfig } from '../config/app-config';
import {
  RefreshClaim,
  RefreshCoordinator,
  RefreshOutcome,
} from '../coordination/refresh-coordinator';
import { UpstreamClient } from '../upstream/upstream.client';
import { UpstreamError } from '../upstream/upstream.errors';
import {
  DateManifest,
  ManifestEntry,
  parseManifest,
  serializeManifest,
} from '../domain/date-manifest';
import {
  EMPTY_SCHEDULE,
  SCHEDULE_CONTENT_TYPE,
  ScheduleDocument,
} from '../domain/schedule-document';
import { DateRefreshResult } from '../domain/refresh-result';
import { CompanyId, ScheduleDate } from '../domain/schedule-key';

export interface RefreshOptions {
  /** Skip uploading a document whose sha256 equals the manifest's, so its ETag stays stable. */
  readonly skipUnchanged?: boolean;
  readonly cycleId?: string;
}

export interface DateRefresh {
  /**
   * The split documents, as soon as this replica has them: all the miss path waits for. Null when
   * another replica's refresh (or one that finished since the caller looked) stored them instead.
   */
  readonly documents: Promise<ReadonlyMap<CompanyId, ScheduleDocument> | null>;
  /** Settles when every document and the manifest are stored, or have failed. */
  readonly persisted: Promise<DateRefreshResult>;
}

interface RunningRefresh extends DateRefresh {
  readonly fetched: boolean;
}

type WriteOutcome = 'written' | 'unchanged' | 'emptied' | 'failed';

interface Persisted {
  readonly result: DateRefreshResult;
  readonly freshness?: RefreshOutcome['freshness'];
}

/**
 * Fetch one date once, split it per company, store every document and the date's manifest.
 * One refresh per date at a time across replicas: in this process through `inFlight`, across
 * processes through the coordinator's lease.
 */
@Injectable()
export class ScheduleRefreshService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleRefreshService.name);
  private readonly inFlight = new Map<ScheduleDate, RunningRefresh>();
  /** Bounds the upstream answers this process holds, from their first byte until stored. */
  private readonly answers: MemoryBudget;

  constructor(
    private readonly upstream: UpstreamClient,
    private readonly storage: BlobStorage,
    private readonly config: AppConfig,
    private readonly coordinator: RefreshCoordinator,
  ) {
    this.answers = new MemoryBudget(config.pregen.memoryBytes);
  }

  /**
   * Joins the refresh of `date` already running in this process, or starts one: the miss path.
   * `since` is when the caller found the date missing: a refresh that finished after it is used
   * instead of calling the upstream again.
   */
  start(date: ScheduleDate, options: RefreshOptions = {}, since = Date.now()): DateRefresh {
    const running = this.inFlight.get(date);
    if (running) {
      return running;
    }
    let deliver!: (documents: ReadonlyMap<CompanyId, ScheduleDocument> | null) => void;
    let fail!: (error: unknown) => void;
    const documents = new Promise<ReadonlyMap<CompanyId, ScheduleDocument> | null>(
      (resolve, reject) => ((deliver = resolve), (fail = reject)),
    );
    // Marked handled here: a failure reaches whoever awaits `documents` or `persisted`.
    documents.catch(() => undefined);
    let fetched = false;
    const persisted = this.run(date, options, since, {
      deliver: (docs) => ((fetched = true), deliver(docs)),
      fail: (error) => ((fetched = true), fail(error)),
    });
    const refresh: RunningRefresh = {
      documents,
      persisted,
      get fetched() {
        return fetched;
      },
    };
    this.inFlight.set(date, refresh);
    const forget = () => this.inFlight.delete(date);
    refresh.persisted.then(forget, forget);
    return refresh;
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
    // Infinity: reuse no finished refresh, only join one another replica is running now.
    return this.start(date, options, Number.POSITIVE_INFINITY).persisted;
  }

  /** Waits until every refresh of this process is stored, so a shutdown loses no write. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight.values()].map((refresh) => refresh.persisted));
    }
  }

  /** Before the shutdown hooks, which stop the threads and connections a refresh uses. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private async run(
    date: ScheduleDate,
    options: RefreshOptions,
    since: number,
    to: {
      deliver: (docs: Map<CompanyId, ScheduleDocument> | null) => void;
      fail: (e: unknown) => void;
    },
  ): Promise<DateRefreshResult> {
    let claim: RefreshClaim;
    try {
      claim = await this.coordinator.claim(date, since);
    } catch (error) {
      to.fail(error);
      throw error;
    }
    if (claim.kind === 'outcome') {
      const { result, error } = claim.outcome;
      if (error || !result) {
        const failure = outcomeError(claim.outcome);
        to.fail(failure);
        throw failure;
      }
      to.deliver(null);
      return result;
    }
    const { lease } = claim;
    const startedAt = performance.now();
    const hold = new BudgetHold(this.answers);
    let documents: Map<CompanyId, ScheduleDocument>;
    try {
      documents = await this.upstream.fetchSchedule(date, hold);
    } catch (error) {
      hold.release();
      to.fail(error);
      await lease.release({ date, finishedAt: Date.now(), error: describeError(error) });
      throw error;
    }
    to.deliver(documents);
    const upstreamMs = performance.now() - startedAt;
    let stored: Persisted;
    try {
      stored = await this.persist(date, documents, options, startedAt, upstreamMs);
    } catch (error) {
      await lease.release({ date, finishedAt: Date.now(), error: describeError(error) });
      throw error;
    } finally {
      hold.release();
    }
    const { result, freshness } = stored;
    await lease.release({ date, finishedAt: Date.now(), result, freshness });
    return result;
  }

  private async persist(
    date: ScheduleDate,
    documents: ReadonlyMap<CompanyId, ScheduleDocument>,
    options: RefreshOptions,
    startedAt: number,
    upstreamMs: number,
  ): Promise<Persisted> {
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
      return { result: summary(Array<WriteOutcome>(documents.size).fill('failed')) };
    }

    const generatedAt = new Date().toISOString();
    const emptied = [...(previous?.companies.keys() ?? [])].filter((id) => !documents.has(id));
    const targets: [CompanyId, ScheduleDocument][] = [
      ...documents,
      ...emptied.map((id): [CompanyId, ScheduleDocument] => [id, EMPTY_SCHEDULE]),
    ];
    const entries = new Map<CompanyId, ManifestEntry>();
    const changed: CompanyId[] = [];
    const outcomes = await mapLimit(
      targets,
      this.config.blob.writeConcurrency,
      async ([companyId, doc]): Promise<WriteOutcome> => {
        const entry = {
          jobs: doc.jobs,
          sha256: doc.sha256 ?? sha256(doc.body),
          bytes: doc.body.length,
        };
        if (doc.jobs > 0) {
          entries.set(companyId, entry);
        }
        if (previous?.companies.get(companyId)?.sha256 !== entry.sha256) {
          changed.push(companyId);
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
    const result = summary(outcomes);
    return result.failed > 0
      ? { result }
      : { result, freshness: { changed, at: Date.parse(generatedAt) } };
  }

  async readManifest(date: ScheduleDate): Promise<DateManifest | null> {
    const blob = await this.storage.read(BlobNames.manifest(date));
    return blob ? parseManifest(blob.body) : null;
  }
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

function describeError(error: unknown): NonNullable<RefreshOutcome['error']> {
  return error instanceof UpstreamError
    ? { kind: error.kind, message: error.message }
    : { kind: 'internal', message: errorMessage(error) };
}

/** Another replica's failure, raised here as if this replica had met it. */
function outcomeError(outcome: RefreshOutcome): Error {
  const { kind, message } = outcome.error ?? { kind: 'internal', message: 'refresh failed' };
  return kind === 'internal' ? new Error(message) : new UpstreamError(kind, message);
}
