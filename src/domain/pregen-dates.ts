import { ScheduleDate } from './schedule-key';

const DAY_MS = 86_400_000;

/** `days` consecutive dates starting with the calendar day `at` falls on in `timeZone`. */
export function pregenDates(at: Date, timeZone: string, days: number): ScheduleDate[] {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
  return Array.from({ length: days }, (_, i) => addDays(today as ScheduleDate, i));
}

/** The calendar date `days` after `date` (before it when negative). */
export function addDays(date: ScheduleDate, days: number): ScheduleDate {
  const start = Date.parse(`${date}T00:00:00Z`);
  return new Date(start + days * DAY_MS).toISOString().slice(0, 10) as ScheduleDate;
}
