import type { DateRefreshResult } from '../domain/refresh-result';
import type { CompanyId, ScheduleDate } from '../domain/schedule-key';
import type { UpstreamFailure } from '../upstream/upstream.errors';

/** What a replica's refresh of a date ended with, as every replica hears it. */
export interface RefreshOutcome {
  readonly date: ScheduleDate;
  readonly finishedAt: number;
  /** Present when documents were (or may have been) stored: readers must drop their copies. */
  readonly result?: DateRefreshResult;
  /**
   * Present when every document and the manifest were stored: companies not in `changed` kept
   * the same bytes, which are now fresh as of `at` (ms), so readers keep their copies.
   */
  readonly freshness?: { readonly changed: readonly CompanyId[]; readonly at: number };
  /** Present when the refresh failed before storing; waiters fail with it. */
  readonly error?: { readonly kind: UpstreamFailure | 'internal'; readonly message: string };
}

/** The right to refresh a date: while held, no other replica calls the upstream for it. */
export interface RefreshLease {
  /** Tells every replica the outcome, then frees the date. */
  release(outcome: RefreshOutcome): Promise<void>;
}

export type RefreshClaim =
  | { readonly kind: 'lease'; readonly lease: RefreshLease }
  | { readonly kind: 'outcome'; readonly outcome: RefreshOutcome };

/** Single flight of upstream calls per date across replicas. */
export abstract class RefreshCoordinator {
  /**
   * The date's lease, or the outcome of a refresh that finished at or after `since` (ms), which
   * the caller uses instead of calling the upstream. Waits while another replica holds the
   * lease; it never gives up on a timeout, only takes over when the holder is gone.
   */
  abstract claim(date: ScheduleDate, since: number): Promise<RefreshClaim>;

  /** Calls `listener` for every outcome of every replica, this one included. */
  abstract onOutcome(listener: (outcome: RefreshOutcome) => void): void;
}
