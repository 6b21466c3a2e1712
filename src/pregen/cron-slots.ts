import { CronTime } from 'cron';

/**
 * Names the scheduled instant a cron tick belongs to, whatever the tick's delay: every replica
 * with the same expression and zone derives the same slot, which makes the cycle id shared.
 */
export class CronSlots {
  private readonly time: CronTime;
  private expected: number;

  constructor(expression: string, timeZone: string, now = new Date()) {
    this.time = new CronTime(expression, timeZone);
    this.expected = this.after(now.getTime());
  }

  /** The latest scheduled instant not after `now` (a tick may fire a few ms early or late). */
  slotFor(now = new Date()): Date {
    const limit = now.getTime() + 1_000;
    let slot = this.expected;
    for (let next = this.after(slot); next <= limit; next = this.after(next)) {
      slot = next;
    }
    this.expected = this.after(slot);
    return new Date(slot);
  }

  private after(ms: number): number {
    return this.time.getNextDateFrom(new Date(ms)).toMillis();
  }
}
