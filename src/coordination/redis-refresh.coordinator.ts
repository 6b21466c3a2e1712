import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RedisClientService } from '../redis/redis-client.service';
import { ScheduleDate } from '../domain/schedule-key';
import { coordinationCommand } from './redis-command';
import {
  RefreshClaim,
  RefreshCoordinator,
  RefreshLease,
  RefreshOutcome,
} from './refresh-coordinator';

/**
 * How long a lease outlives its holder's last renewal: a dead holder's waiters take over within
 * this plus one poll. Renewed every second, a holder keeps its lease through an event-loop stall
 * of up to 3 s (docs/decisions/cross-replica-single-flight.md).
 */
export const LEASE_TTL_MS = 4_000;
const RENEW_EVERY_MS = 1_000;
const POLL_MS = 200;
const OUTCOME_TTL_S = 86_400;

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const UNLOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1]) else return 0 end`;

interface Message {
  readonly from: string;
  readonly outcome: RefreshOutcome;
}

/**
 * A Redis lock per date (SET NX PX, renewed while held) and a pub/sub channel that tells every
 * replica each outcome. Without Redis each replica falls back to its own single flight.
 */
@Injectable()
export class RedisRefreshCoordinator extends RefreshCoordinator implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisRefreshCoordinator.name);
  private readonly instance = randomUUID();
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly listeners: ((outcome: RefreshOutcome) => void)[] = [];
  private readonly waiters = new Map<ScheduleDate, Set<(outcome: RefreshOutcome) => void>>();
  private readonly renewals = new Set<NodeJS.Timeout>();

  constructor(private readonly redis: RedisClientService) {
    super();
    this.commands = redis.client('commands');
    this.subscriber = redis.client('subscriber');
    this.channel = redis.key('refresh-outcomes');
    const quiet = (error: Error) => this.logger.debug(`Redis: ${error.message}`);
    this.subscriber.on('message', (_channel: string, text: string) => this.receive(text));
    // Subscribes again after every reconnect, including a first connect that came late.
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(this.channel).catch(quiet);
    });
  }

  onOutcome(listener: (outcome: RefreshOutcome) => void): void {
    this.listeners.push(listener);
  }

  async claim(date: ScheduleDate, since: number): Promise<RefreshClaim> {
    const lockKey = this.key('refresh-lock', date);
    const published = this.nextOutcome(date);
    try {
      for (;;) {
        const token = randomUUID();
        const acquired = await this.command(
          this.commands.set(lockKey, token, 'PX', LEASE_TTL_MS, 'NX'),
        );
        if (acquired === undefined) {
          return { kind: 'lease', lease: this.localLease() };
        }
        if (acquired === 'OK') {
          const recent = await this.recentOutcome(date, since);
          if (recent) {
            await this.command(this.commands.eval(UNLOCK, 1, lockKey, token));
            return { kind: 'outcome', outcome: recent };
          }
          return { kind: 'lease', lease: this.lease(date, lockKey, token) };
        }
        const outcome = await Promise.race([published.outcome, this.untilUnlocked(lockKey)]);
        if (outcome === 'redis-down') {
          return { kind: 'lease', lease: this.localLease() };
        }
        if (outcome !== 'unlocked') {
          return { kind: 'outcome', outcome };
        }
        // Unlocked without a message: the message may be late, or the holder died.
        const recent = await this.recentOutcome(date, since);
        if (recent) {
          return { kind: 'outcome', outcome: recent };
        }
      }
    } finally {
      published.cancel();
    }
  }

  onApplicationShutdown(): void {
    this.renewals.forEach(clearInterval);
  }

  private key(kind: string, date: ScheduleDate): string {
    return this.redis.key(kind, date);
  }

  private lease(date: ScheduleDate, lockKey: string, token: string): RefreshLease {
    // A timer of this process: it stops when the holder dies, and the lease expires.
    const renewal = setInterval(() => {
      void this.command(this.commands.eval(RENEW, 1, lockKey, token, LEASE_TTL_MS)).then(
        (renewed) => {
          if (renewed === 0 && this.renewals.delete(renewal)) {
            clearInterval(renewal);
            this.logger.warn(`Lease of ${date} lost: another replica may refresh it too`);
          }
        },
      );
    }, RENEW_EVERY_MS);
    renewal.unref();
    this.renewals.add(renewal);
    return {
      release: async (outcome) => {
        clearInterval(renewal);
        this.renewals.delete(renewal);
        this.notify(outcome);
        const text = JSON.stringify({ from: this.instance, outcome } satisfies Message);
        // Outcome before unlock: a waiter that sees the lock gone finds the outcome.
        await this.command(
          this.commands.set(this.key('refresh-outcome', outcome.date), text, 'EX', OUTCOME_TTL_S),
        );
        await this.command(this.commands.publish(this.channel, text));
        await this.command(this.commands.eval(UNLOCK, 1, lockKey, token));
      },
    };
  }

  private localLease(): RefreshLease {
    return {
      release: (outcome) => {
        this.notify(outcome);
        return Promise.resolve();
      },
    };
  }

  /** The next outcome published for `date` by any replica. */
  private nextOutcome(date: ScheduleDate): {
    outcome: Promise<RefreshOutcome>;
    cancel: () => void;
  } {
    let resolve!: (outcome: RefreshOutcome) => void;
    const outcome = new Promise<RefreshOutcome>((done) => (resolve = done));
    const waiting = this.waiters.get(date) ?? new Set();
    waiting.add(resolve);
    this.waiters.set(date, waiting);
    const cancel = () => {
      waiting.delete(resolve);
      if (waiting.size === 0 && this.waiters.get(date) === waiting) {
        this.waiters.delete(date);
      }
    };
    return { outcome, cancel };
  }

  private async untilUnlocked(lockKey: string): Promise<'unlocked' | 'redis-down'> {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const exists = await this.command(this.commands.exists(lockKey));
      if (exists === undefined) {
        return 'redis-down';
      }
      if (exists === 0) {
        return 'unlocked';
      }
    }
  }

  private async recentOutcome(date: ScheduleDate, since: number): Promise<RefreshOutcome | null> {
    const text = await this.command(this.commands.get(this.key('refresh-outcome', date)));
    const outcome = text ? parseMessage(text)?.outcome : undefined;
    return outcome && !outcome.error && outcome.finishedAt >= since ? outcome : null;
  }

  private receive(text: string): void {
    const message = parseMessage(text);
    if (!message) {
      return;
    }
    for (const resolve of this.waiters.get(message.outcome.date) ?? []) {
      resolve(message.outcome);
    }
    if (message.from !== this.instance) {
      this.notify(message.outcome);
    }
  }

  private notify(outcome: RefreshOutcome): void {
    for (const listener of this.listeners) {
      listener(outcome);
    }
  }

  private command<T>(pending: Promise<T>): Promise<T | undefined> {
    return coordinationCommand(
      pending,
      this.logger,
      'Refresh coordination degraded to this replica',
    );
  }
}

function parseMessage(text: string): Message | null {
  try {
    const message = JSON.parse(text) as Message;
    return typeof message.outcome?.date === 'string' ? message : null;
  } catch {
    return null;
  }
}
