import { addDays, calendarDay } from './calendar';
import { ScheduleDate } from './schedule-key';

/** `days` consecutive dates starting with the calendar day `at` falls on in `timeZone`. */
export function pregenDates(at: Date, timeZone: string, days: number): ScheduleDate[] {
  const today = calendarDay(at, timeZone);
  return Array.from({ length: days }, (_, i) => addDays(today, i));
}
