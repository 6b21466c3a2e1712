import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Semaphore } from '../common/semaphore';
import { AppConfig } from '../config/app-config';
import { RedisClientService } from '../redis/redis-client.service';
import { UpstreamSlot, UpstreamSlots } from '../upstream/upstream-slots';
import { coordinationCommand } from './redis-command';

// A dead replica's slots come back this long after its last renewal.
const SLOT_TTL_MS = 10_000;
const RENEW_EVERY_MS = 2_000;
const POLL_MS = 200;
const NO_SHARED_SLOT: UpstreamSlot = { release: () => undefined };

// Slots are members of a sorted set scored by their expiry, on Redis's clock (one for every replica).
const NOW = `local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
const ACQUIRE = `${NOW}
redis.call('zremrangebyscore', KEYS[1], '-inf', now)
if redis.call('zcard', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('zadd', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('pexpire', KEYS[1], ARGV[2])
return 1`;
const RENEW = `${NOW}
if not redis.call('zscore', KEYS[1], ARGV[1]) then return 0 end
redis.call('zadd', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('pexpire', KEYS[1], ARGV[2])
return 1`;

/**
 * UPSTREAM_MAX_IN_FLIGHT slots per replica (in memory, first come first served), and
 * UPSTREAM_MAX_IN_FLIGHT_TOTAL across replicas (a Redis sorted set of expiring slots). Without
 * Redis only the per-replica cap holds.
 */
@Injectable()
export class RedisUpstreamSlots extends UpstreamSlots implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisUpstreamSlots.name);
  private readonly local: Semaphore;
  private readonly commands: Redis;
  private readonly key: string;
  private readonly renewals = new Set<NodeJS.Timeout>();

  constructor(
    redis: RedisClientService,
    private readonly config: AppConfig,
  ) {
    super();
    this.local = new Semaphore(config.upstream.maxInFlight);
    this.commands = redis.client('commands');
    this.key = redis.key('upstream-slots');
  }

  async acquire(waitMs: number): Promise<UpstreamSlot | null> {
    const deadline = Date.now() + waitMs;
    if (!(await this.local.acquire(waitMs))) {
      return null;
    }
    const shared = await this.acquireShared(deadline);
    if (!shared) {
      this.local.release();
      return null;
    }
    let held = true;
    return {
      release: () => {
        if (held) {
          held = false;
          shared.release();
          this.local.release();
        }
      },
    };
  }

  onApplicationShutdown(): void {
    this.renewals.forEach(clearInterval);
  }

  private async acquireShared(deadline: number): Promise<UpstreamSlot | null> {
    const token = randomUUID();
    const { maxInFlightTotal } = this.config.upstream;
    // Queued while disconnected, a slot would be taken later for a call that has ended.
    if (this.commands.status !== 'ready') {
      this.logger.warn('Upstream cap across replicas not enforced: Redis is not connected');
      return NO_SHARED_SLOT;
    }
    for (;;) {
      const taken = await this.command(
        this.commands.eval(ACQUIRE, 1, this.key, token, SLOT_TTL_MS, maxInFlightTotal),
      );
      if (taken === undefined) {
        return NO_SHARED_SLOT;
      }
      if (taken === 1) {
        return this.held(token);
      }
      if (Date.now() + POLL_MS > deadline) {
        return null;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private held(token: string): UpstreamSlot {
    // A timer of this process: a dead replica stops renewing and its slot expires.
    const renewal = setInterval(() => {
      void this.command(this.commands.eval(RENEW, 1, this.key, token, SLOT_TTL_MS));
    }, RENEW_EVERY_MS);
    renewal.unref();
    this.renewals.add(renewal);
    return {
      release: () => {
        clearInterval(renewal);
        this.renewals.delete(renewal);
        void this.command(this.commands.zrem(this.key, token));
      },
    };
  }

  private command<T>(pending: Promise<T>): Promise<T | undefined> {
    return coordinationCommand(pending, this.logger, 'Upstream cap across replicas not enforced');
  }
}
