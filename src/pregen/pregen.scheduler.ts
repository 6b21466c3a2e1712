import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, CronTime } from 'cron';
import { errorMessage } from '../common/error-message';
import { AppConfig } from '../config/app-config';
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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, cron, usersCron, timeZone } = this.config.pregen;
    if (!enabled) {
      this.logger.log('Pre-generation cron disabled (PREGEN_ENABLED=false)');
      return;
    }
    this.schedule('pregen-cycle', cron, timeZone, (slot) =>
      this.pregen.enqueueScheduledCycle(slot),
    );
    this.schedule('users-sync', usersCron, timeZone, (slot) => this.pregen.enqueueUsersSync(slot));
    // Without it the directory is a slow miss until the first tick, up to an hour away.
    const nextSlot = new CronTime(usersCron, timeZone).getNextDateFrom(new Date()).toJSDate();
    try {
      await this.pregen.enqueueUsersSyncAtBoot(nextSlot);
    } catch (error) {
      this.logger.error(`users-sync at start: enqueue failed: ${errorMessage(error)}`);
    }
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
      onTick: async () => {
        try {
          await enqueue(slots.slotFor());
        } catch (error) {
          this.logger.error(`${name}: enqueue failed: ${errorMessage(error)}`);
        }
      },
    });
    this.registry.addCronJob(name, job);
    job.start();
    this.logger.log(`${name} scheduled: "${expression}" (${timeZone})`);
  }
}
