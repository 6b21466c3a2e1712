import { addDays, calendarDay } from './calendar';
import { ScheduleDate } from './schedule-key';

/** The dates the read path serves, first and last included. */
export interface ServingWindow {
  readonly first: ScheduleDate;
  readonly last: ScheduleDate;
}

/** `pastDays` before the calendar day `at` falls on in `timeZone`, to `futureDays` after it. */
export function servingWindow(
  at: Date,
  timeZone: string,
  pastDays: number,
  futureDays: number,
): ServingWindow {
  const today = calendarDay(at, timeZone);
  return { first: addDays(today, -pastDays), last: addDays(today, futureDays) };
}

// YYYY-MM-DD strings of four-digit years order as their dates do.
export function isInWindow(date: ScheduleDate, window: ServingWindow): boolean {
  return date >= window.first && date <= window.last;
}

/** The 400 message for a date outside `window`, worded as the legacy API's own. */
export function outsideWindowMessage(window: ServingWindow): string {
  return `Date out of range. Use a date from ${window.first} to ${window.last}`;
}
