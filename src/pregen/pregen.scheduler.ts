import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, CronTime } from 'cron';
import { errorMessage } from '../common/error-message';
import { AppConfig } from '../config/app-config';
import { OperatorSwitches } from '../switches/operator-switches.service';
import { CronSlots } from './cron-slots';
import { PregenQueue } from './pregen-queue.service';

/**
 * Cron ticks only enqueue. The expressions come from validated config, so the jobs are added
 * through SchedulerRegistry rather than a static @Cron() decorator.
 */
@Injectable()
export class PregenScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(PregenScheduler.name);

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly pregen: PregenQueue,
    private readonly config: AppConfig,
    private readonly switches: OperatorSwitches,
  ) {}

  /**
   * The ticks always run: whether they enqueue is the shared pause switch's call, at each tick.
   * A starting replica also syncs the users directory, unless paused.
   */
  async onApplicationBootstrap(): Promise<void> {
    const { cron, usersCron, timeZone } = this.config.pregen;
    this.schedule('pregen-cycle', cron, timeZone, (slot) =>
      this.pregen.enqueueScheduledCycle(slot),
    );
    this.schedule('users-sync', usersCron, timeZone, (slot) => this.pregen.enqueueUsersSync(slot));
    const retention = this.config.retention;
    if (retention.days > 0) {
      this.schedule('retention', retention.cron, timeZone, (slot) =>
        this.pregen.enqueueRetention(slot),
      );
    }
    // Without it the directory is a slow miss until the first tick, up to an hour away.
    const nextSlot = new CronTime(usersCron, timeZone).getNextDateFrom(new Date()).toJSDate();
    await this.enqueueUnlessSkipped('users-sync at start', nextSlot, (slot) =>
      this.pregen.enqueueUsersSyncAtBoot(slot),
    );
  }

  private schedule(
    name: string,
    expression: string,
    timeZone: string,
    enqueue: (slot: Date) => Promise<unknown>,
  ): void {
    const slots = new CronSlots(expression, timeZone);
    const job = CronJob.from({
      cronTime: expression,
      timeZone,
      onTick: () => this.enqueueUnlessSkipped(name, slots.slotFor(), enqueue),
    });
    this.registry.addCronJob(name, job);
    job.start();
    this.logger.log(`${name} scheduled: "${expression}" (${timeZone})`);
  }

  private async enqueueUnlessSkipped(
    name: string,
    slot: Date,
    enqueue: (slot: Date) => Promise<unknown>,
  ): Promise<void> {
    const skipped = await this.switches.ticksSkippedNow();
    if (skipped !== null) {
      this.logger.log({ msg: `${name} tick skipped: ${skipped}`, slot: slot.toISOString() });
      return;
    }
    try {
      await enqueue(slot);
    } catch (error) {
      this.logger.error(`${name}: enqueue failed: ${errorMessage(error)}`);
    }
  }
}
