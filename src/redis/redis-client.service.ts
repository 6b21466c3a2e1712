import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';
import { TimeoutError, withTimeout } from '../common/with-timeout';
import { AppConfig } from '../config/app-config';
import { RedisUnavailableError } from './redis-unavailable.error';

/**
 * Every connection this service opens to Redis but the Bull worker's own, by what it is for.
 * `queue-control` carries the queue's producers and operators' commands.
 */
export type RedisClientName = 'commands' | 'subscriber' | 'rate-limit' | 'queue-control';

const WARNING_INTERVAL_MS = 30_000;
// What an operator or a request may wait for Redis: a connect in progress, then the command.
const READY_WAIT_MS = 1_000;
const COMMAND_TIMEOUT_MS = 3_000;

/**
 * The one owner of Redis clients: their options, the key prefix (REDIS_KEY_PREFIX) every key
 * and channel lives under, Bull's connection settings, and shutdown. Clients are made on first
 * use and closed after every module that uses them has shut down (this module is the deepest).
 */
@Injectable()
export class RedisClientService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisClientService.name);
  private readonly clients = new Map<RedisClientName, Redis>();
  private readonly warnedAt = new Map<RedisClientName, number>();

  constructor(private readonly config: AppConfig) {}

  /** The named client, connecting in the background; errors are logged here, throttled. */
  client(name: RedisClientName): Redis {
    let client = this.clients.get(name);
    if (!client) {
      client = new Redis(this.config.redis.url, this.options(name));
      client.on('error', (error: Error) => this.warn(name, error));
      this.clients.set(name, client);
    }
    return client;
  }

  /** `prefix:part:part…`: every key and channel of this deployment. */
  key(...parts: string[]): string {
    return [this.config.redis.keyPrefix, ...parts].join(':');
  }

  /** Bull makes its own connections (a blocking one per worker) with these options and prefix. */
  bullConnection(): { redis: RedisOptions; prefix: string } {
    return { redis: bullRedisOptions(this.config.redis.url), prefix: this.config.redis.keyPrefix };
  }

  /**
   * `work` on the named client, bounded in time: RedisUnavailableError when the client is not
   * connected within a second, or the work gets no answer in time or fails on a lost connection.
   */
  async whileAvailable<T>(name: RedisClientName, what: string, work: () => Promise<T>): Promise<T> {
    const client = this.client(name);
    if (!(await ready(client, READY_WAIT_MS))) {
      throw new RedisUnavailableError(`${what}: Redis is unavailable`);
    }
    try {
      return await withTimeout(work(), COMMAND_TIMEOUT_MS, what);
    } catch (error) {
      if (error instanceof TimeoutError || client.status !== 'ready') {
        throw new RedisUnavailableError(`${what}: Redis is unavailable`);
      }
      throw error;
    }
  }

  /** One round trip on the commands connection. */
  async ping(): Promise<void> {
    await this.client('commands').ping();
  }

  onApplicationShutdown(): void {
    for (const client of this.clients.values()) {
      client.disconnect();
    }
    this.clients.clear();
  }

  private options(name: RedisClientName): RedisOptions {
    switch (name) {
      case 'rate-limit':
        // A check fails at once while disconnected instead of queueing behind the reconnect.
        return { keyPrefix: `${this.key('rate-limit')}:`, ...FAIL_FAST };
      case 'queue-control':
        // Bull sets its own key prefix. A refused command must never run after its caller gave up.
        return FAIL_FAST;
      case 'commands':
      case 'subscriber':
        return { maxRetriesPerRequest: 1 };
    }
  }

  // An outage fails every command: one line per client per interval.
  private warn(name: RedisClientName, error: Error): void {
    const now = Date.now();
    if (now - (this.warnedAt.get(name) ?? -Infinity) >= WARNING_INTERVAL_MS) {
      this.warnedAt.set(name, now);
      this.logger.warn(`Redis (${name}): ${error.message}`);
    }
  }
}

/**
 * Commands fail at once while disconnected; those in flight when the connection drops fail too
 * (maxRetriesPerRequest 0 flushes them at the first close) instead of being sent again later.
 */
const FAIL_FAST: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
};

/** Whether `client` is connected, waiting at most `ms` for a connect in progress. */
async function ready(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') {
    return true;
  }
  let onReady!: () => void;
  const connected = new Promise<void>((resolve) => client.once('ready', (onReady = resolve)));
  try {
    await withTimeout(connected, ms, 'Redis connect');
    return true;
  } catch {
    return false;
  } finally {
    client.off('ready', onReady);
  }
}

/**
 * Bull's own URL parser ignores `rediss:` (it would talk plain text to a TLS-only Redis) and
 * leaves credentials percent-encoded: options are built here instead.
 */
export function bullRedisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.slice(1) || 0),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
  };
}
