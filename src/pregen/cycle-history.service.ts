import { Injectable } from '@nestjs/common';
import { withTimeout } from '../common/with-timeout';
import { AppConfig } from '../config/app-config';
import { ScheduleDate } from '../domain/schedule-key';
import { RedisClientService } from '../redis/redis-client.service';
import { CycleTrigger } from './pregen.jobs';

/** One cycle as GET /api/admin/cycles lists it; counts are null-free once it finished. */
export interface CycleRecord {
  readonly id: string;
  readonly trigger: CycleTrigger;
  readonly actor: string | null;
  readonly startedAt: string;
  /** Null while its jobs run (or if they never finished). */
  readonly finishedAt: string | null;
  readonly dates: readonly ScheduleDate[];
  /** Documents written with jobs in them. */
  readonly generated: number;
  readonly unchanged: number;
  /** Documents rewritten empty: companies no longer in the legacy answer. */
  readonly emptied: number;
  /** Dates whose job ran out of attempts. */
  readonly failed: number;
  /** Time spent waiting for the legacy API, summed over the cycle's dates. */
  readonly upstreamMs: number;
}

/** A cycle's record before any of its jobs finished. */
export function emptyCycle(
  id: string,
  dates: readonly ScheduleDate[],
  origin: { trigger?: CycleTrigger; actor?: string },
  startedAt: Date,
): CycleRecord {
  return {
    id,
    trigger: origin.trigger ?? triggerOf(id),
    actor: origin.actor ?? null,
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    dates,
    generated: 0,
    unchanged: 0,
    emptied: 0,
    failed: 0,
    upstreamMs: 0,
  };
}

/** Cycle ids start with their trigger (`cron-…`, `manual-…`, `cli-…`, `stale-…`). */
function triggerOf(cycleId: string): CycleTrigger {
  const prefix = cycleId.slice(0, cycleId.indexOf('-'));
  return (['cron', 'manual', 'stale', 'cli'] as const).find((t) => t === prefix) ?? 'manual';
}

// However short the cycles, the history stays small: older ones are dropped first.
export const MAX_CYCLES = 5_000;
const COMMAND_TIMEOUT_MS = 2_000;

/**
 * The last HISTORY_DAYS of cycles in Redis: a sorted set of ids by start time (trimmed by age
 * and count at every write) and one key per cycle that expires by itself.
 */
@Injectable()
export class CycleHistory {
  private readonly index: string;
  private readonly retentionS: number;

  constructor(
    private readonly redis: RedisClientService,
    config: AppConfig,
  ) {
    this.index = redis.key('cycles');
    this.retentionS = config.pregen.historyDays * 86_400;
  }

  /** A cycle just enqueued; replicas enqueueing the same cron slot keep the first record. */
  started(cycle: CycleRecord): Promise<void> {
    return this.save(cycle, true);
  }

  /** A finished cycle's summary, replacing its start record. */
  finished(cycle: CycleRecord): Promise<void> {
    return this.save(cycle, false);
  }

  /** Newest first. */
  async list(limit: number): Promise<CycleRecord[]> {
    const commands = this.redis.client('commands');
    const ids = await withTimeout(
      commands.zrevrange(this.index, 0, limit - 1),
      COMMAND_TIMEOUT_MS,
      'Redis',
    );
    if (ids.length === 0) {
      return [];
    }
    const texts = await withTimeout(
      commands.mget(ids.map((id) => this.recordKey(id))),
      COMMAND_TIMEOUT_MS,
      'Redis',
    );
    return texts.filter((text) => text !== null).map((text) => JSON.parse(text) as CycleRecord);
  }

  private async save(cycle: CycleRecord, onlyIfNew: boolean): Promise<void> {
    const now = Date.now();
    const text = JSON.stringify(cycle);
    const multi = this.redis.client('commands').multi();
    if (onlyIfNew) {
      multi.set(this.recordKey(cycle.id), text, 'EX', this.retentionS, 'NX');
    } else {
      multi.set(this.recordKey(cycle.id), text, 'EX', this.retentionS);
    }
    multi
      .zadd(this.index, 'NX', Date.parse(cycle.startedAt), cycle.id)
      .zremrangebyscore(this.index, '-inf', now - this.retentionS * 1000)
      .zremrangebyrank(this.index, 0, -(MAX_CYCLES + 1));
    await withTimeout(multi.exec(), COMMAND_TIMEOUT_MS, 'Redis');
  }

  private recordKey(id: string): string {
    return this.redis.key('cycles', id);
  }
}
