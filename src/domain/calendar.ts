import { ScheduleDate } from './schedule-key';

const DAY_MS = 86_400_000;

/** The calendar day `at` falls on in `timeZone`. */
export function calendarDay(at: Date, timeZone: string): ScheduleDate {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at) as ScheduleDate;
}

/** The day `days` after `date` (before it when negative). */
export function addDays(date: ScheduleDate, days: number): ScheduleDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS)
    .toISOString()
    .slice(0, 10) as ScheduleDate;
}
