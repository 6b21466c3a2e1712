import { LRUCache } from 'lru-cache';

export interface RecentOutcomesOptions {
  /** How long a settled run answers later calls. */
  readonly reuseMs: number;
  readonly now?: () => number;
}

type Outcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * Runs by key, shared by concurrent callers and reused, failures too, for `reuseMs` after they
 * settle: a flood of calls costs what one run per window costs.
 */
export class RecentOutcomes {
  private readonly outcomes: LRUCache<string, Outcome, () => Promise<unknown>>;

  constructor(options: RecentOutcomesOptions) {
    this.outcomes = new LRUCache<string, Outcome, () => Promise<unknown>>({
      max: 64,
      ttl: options.reuseMs,
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
      fetchMethod: (_key, _stale, { context: run }) =>
        run().then(
          (value): Outcome => ({ ok: true, value }),
          (error: unknown): Outcome => ({ ok: false, error }),
        ),
    });
  }

  /** `run`'s outcome under `key`: the one in flight or settled within `reuseMs`, else a new run. */
  async get<T>(key: string, run: () => Promise<T>): Promise<T> {
    const outcome = (await this.outcomes.fetch(key, { context: run })) as Outcome;
    if (!outcome.ok) {
      throw outcome.error;
    }
    return outcome.value as T;
  }
}
