import { ScheduleDate } from './schedule-key';

/** What one refresh of a date stored: counts per outcome and how long it took. */
export interface DateRefreshResult {
  readonly date: ScheduleDate;
  readonly companies: number;
  readonly written: number;
  readonly unchanged: number;
  readonly emptied: number;
  readonly failed: number;
  readonly bytes: number;
  readonly upstreamMs: number;
  readonly durationMs: number;
}
