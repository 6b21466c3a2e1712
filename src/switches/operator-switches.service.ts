import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { errorMessage } from '../common/error-message';
import { withTimeout } from '../common/with-timeout';
import { AppConfig } from '../config/app-config';
import { SERVE_MODES, ServeMode } from '../config/env.dto';
import { MetricsService } from '../metrics/metrics.service';
import { RedisClientService } from '../redis/redis-client.service';

/** Whether the recurring pre-generation cycle runs; manual and stale refreshes run regardless. */
export interface PregenSchedule {
  readonly paused: boolean;
  readonly reason: string | null;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
}

export { SERVE_MODES, type ServeMode };

export interface ServeModeState {
  readonly mode: ServeMode;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
}

/** Redis could not be read or written in time: the switch is unknown or unchanged. */
export class SwitchesUnavailableError extends Error {}

const COMMAND_TIMEOUT_MS = 2_000;
// Safety net for a missed change message (a subscriber reconnecting when it was published).
const RELOAD_EVERY_MS = 5_000;

/**
 * The operators' run-time switches, shared by every replica through Redis: pause of the
 * recurring cycle and the serve mode. A change is published so every replica reloads at once,
 * and each replica reloads periodically as well; while Redis is unreachable a replica keeps
 * what it last knew. Unset switches take their boot defaults (PREGEN_ENABLED, SERVE_MODE).
 */
@Injectable()
export class OperatorSwitches implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OperatorSwitches.name);
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly keys: { schedule: string; serveMode: string; channel: string };
  private readonly defaults: { schedule: PregenSchedule; serveMode: ServeModeState };
  private scheduleState: PregenSchedule;
  private serveModeState: ServeModeState;
  private reloader?: NodeJS.Timeout;

  constructor(redis: RedisClientService, config: AppConfig, metrics: MetricsService) {
    this.commands = redis.client('commands');
    this.subscriber = redis.client('subscriber');
    this.keys = {
      schedule: redis.key('switches', 'pregen-schedule'),
      serveMode: redis.key('switches', 'serve-mode'),
      channel: redis.key('switches', 'changed'),
    };
    const unset = { updatedBy: null, updatedAt: null };
    this.defaults = {
      schedule: { paused: !config.pregen.enabled, reason: null, ...unset },
      serveMode: { mode: config.serveMode, ...unset },
    };
    this.scheduleState = this.defaults.schedule;
    this.serveModeState = this.defaults.serveMode;
    metrics.observePregenPaused(() => this.ticksSkippedBecause() !== null);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.keys.channel) {
        void this.reloadQuietly();
      }
    });
    // Subscribes again after every reconnect, and reloads what may have changed meanwhile.
    this.subscriber.on('ready', () => this.subscribe());
    if (this.subscriber.status === 'ready') {
      this.subscribe();
    }
    this.reloader = setInterval(() => void this.reloadQuietly(), RELOAD_EVERY_MS);
    this.reloader.unref();
    await this.reloadQuietly();
  }

  onApplicationShutdown(): void {
    clearInterval(this.reloader);
  }

  /** The serve mode this replica obeys now: no I/O, for every read. */
  get serveMode(): ServeMode {
    return this.serveModeState.mode;
  }

  /** The pause switch as this replica last read it. */
  get schedule(): PregenSchedule {
    return this.scheduleState;
  }

  async readSchedule(): Promise<PregenSchedule> {
    await this.reload();
    return this.scheduleState;
  }

  async readServeMode(): Promise<ServeModeState> {
    await this.reload();
    return this.serveModeState;
  }

  async setSchedule(
    paused: boolean,
    reason: string | null,
    actor: string,
  ): Promise<PregenSchedule> {
    const state: PregenSchedule = { paused, reason, ...this.stamp(actor) };
    await this.write(this.keys.schedule, state);
    this.apply(state, this.serveModeState);
    return state;
  }

  async setServeMode(mode: ServeMode, actor: string): Promise<ServeModeState> {
    const state: ServeModeState = { mode, ...this.stamp(actor) };
    await this.write(this.keys.serveMode, state);
    this.apply(this.scheduleState, state);
    return state;
  }

  /**
   * Null when a cron tick should enqueue, else why not. Reads Redis first, so every replica
   * obeys a change from its next tick; on failure the last known switches decide.
   */
  async ticksSkippedNow(): Promise<string | null> {
    await this.reloadQuietly();
    return this.ticksSkippedBecause();
  }

  private ticksSkippedBecause(): string | null {
    if (this.serveModeState.mode === 'upstream') {
      return 'serve mode is upstream';
    }
    if (this.scheduleState.paused) {
      return `paused${this.scheduleState.reason ? `: ${this.scheduleState.reason}` : ''}`;
    }
    return null;
  }

  private subscribe(): void {
    this.subscriber.subscribe(this.keys.channel).then(
      () => this.reloadQuietly(),
      (error: unknown) =>
        this.logger.debug(`Switch changes not subscribed: ${errorMessage(error)}`),
    );
  }

  private stamp(actor: string): { updatedBy: string; updatedAt: string } {
    return { updatedBy: actor, updatedAt: new Date().toISOString() };
  }

  private async write(key: string, state: PregenSchedule | ServeModeState): Promise<void> {
    // Refused rather than queued while disconnected: a change that answered 503 must not apply later.
    if (this.commands.status !== 'ready') {
      throw new SwitchesUnavailableError('Redis unavailable: switch not changed');
    }
    try {
      await withTimeout(this.commands.set(key, JSON.stringify(state)), COMMAND_TIMEOUT_MS, 'Redis');
    } catch (error) {
      throw new SwitchesUnavailableError(`Redis unavailable: ${errorMessage(error)}`);
    }
    // The change is stored: a lost message only delays the others until their next reload.
    await withTimeout(
      this.commands.publish(this.keys.channel, key),
      COMMAND_TIMEOUT_MS,
      'Redis',
    ).catch((error: unknown) =>
      this.logger.warn(`Switch change not announced: ${errorMessage(error)}`),
    );
  }

  private async reload(): Promise<void> {
    let schedule: string | null;
    let serveMode: string | null;
    try {
      [schedule, serveMode] = await withTimeout(
        this.commands.mget(this.keys.schedule, this.keys.serveMode),
        COMMAND_TIMEOUT_MS,
        'Redis',
      );
    } catch (error) {
      throw new SwitchesUnavailableError(`Redis unavailable: ${errorMessage(error)}`);
    }
    this.apply(
      parse(schedule, isPregenSchedule) ?? this.defaults.schedule,
      parse(serveMode, isServeModeState) ?? this.defaults.serveMode,
    );
  }

  private async reloadQuietly(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      this.logger.debug(`Switches kept as last known: ${errorMessage(error)}`);
    }
  }

  /** Takes the new switches, logging each change this replica sees (with who made it). */
  private apply(schedule: PregenSchedule, serveMode: ServeModeState): void {
    if (serveMode.mode !== this.serveModeState.mode) {
      this.logger.log({
        msg: `serve mode now ${serveMode.mode}`,
        mode: serveMode.mode,
        updatedBy: serveMode.updatedBy,
      });
    }
    if (schedule.paused !== this.scheduleState.paused) {
      this.logger.log({
        msg: `pre-generation schedule ${schedule.paused ? 'paused' : 'resumed'}`,
        reason: schedule.reason,
        updatedBy: schedule.updatedBy,
      });
    }
    this.scheduleState = schedule;
    this.serveModeState = serveMode;
  }
}

function parse<T>(text: string | null, valid: (value: unknown) => value is T): T | undefined {
  if (text === null) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return valid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isPregenSchedule(value: unknown): value is PregenSchedule {
  return typeof (value as PregenSchedule | null)?.paused === 'boolean';
}

function isServeModeState(value: unknown): value is ServeModeState {
  return SERVE_MODES.includes((value as ServeModeState | null)?.mode as ServeMode);
}
