import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ScheduleDate, ScheduleQueryError } from '../domain/schedule-key';
import {
  isInWindow,
  outsideWindowMessage,
  servingWindow,
  ServingWindow,
} from '../domain/serving-window';

// Formatting today in a time zone costs microseconds: once a second is enough for the edges.
const RECOMPUTE_MS = 1_000;

/**
 * The dates GET /api/dr-schedule serves, READ_PAST_DAYS before today to READ_FUTURE_DAYS after:
 * any other date would cost a full upstream call that no scheduling screen needs.
 */
@Injectable()
export class ReadWindow {
  private window: ServingWindow | undefined;
  private validUntil = 0;

  constructor(private readonly config: AppConfig) {}

  /** Throws the 400 of a date outside the window. */
  check(date: ScheduleDate, now = Date.now()): void {
    const window = this.at(now);
    if (!isInWindow(date, window)) {
      throw new ScheduleQueryError(outsideWindowMessage(window));
    }
  }

  private at(now: number): ServingWindow {
    if (!this.window || now >= this.validUntil) {
      const { pastDays, futureDays } = this.config.readWindow;
      this.window = servingWindow(new Date(now), this.config.pregen.timeZone, pastDays, futureDays);
      this.validUntil = now + RECOMPUTE_MS;
    }
    return this.window;
  }
}
