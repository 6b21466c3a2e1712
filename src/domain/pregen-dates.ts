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
  const start = Date.parse(`${today}T00:00:00Z`);
  return Array.from(
    { length: days },
    (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10) as ScheduleDate,
  );
}
