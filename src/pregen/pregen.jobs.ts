import { ScheduleDate } from '../domain/schedule-key';

export const PREGEN_QUEUE = 'pregen';

/** Every job the pre-generation queue runs; boot fails if one has no handler. */
export enum JobName {
  RefreshDate = 'refresh-date',
  SyncUsers = 'sync-users',
  Retention = 'retention',
}

/** What started a cycle: the cron, an operator (API or CLI), or a read that found a date stale. */
export type CycleTrigger = 'cron' | 'manual' | 'stale' | 'cli';

export interface RefreshDateJob {
  readonly date: ScheduleDate;
  readonly cycleId: string;
  /** Every date of the job's cycle, so whoever finishes last can summarise it. */
  readonly cycleDates: readonly ScheduleDate[];
  /** Absent on jobs queued before cycles recorded it: the summary reads the cycle id's prefix. */
  readonly trigger?: CycleTrigger;
  /** The operator who asked for the cycle (a token's `sub`); absent for cron and stale cycles. */
  readonly actor?: string;
}

export interface SyncUsersJob {
  readonly cycleId: string;
}

export interface RetentionJob {
  /** The day the job is for: dates before it minus RETENTION_DAYS are deleted. */
  readonly date: ScheduleDate;
}

export interface JobPayloads {
  [JobName.RefreshDate]: RefreshDateJob;
  [JobName.SyncUsers]: SyncUsersJob;
  [JobName.Retention]: RetentionJob;
}

/** Deterministic ids: every replica firing for the same slot names the same job, so Bull keeps one. */
export const JobIds = {
  refreshDate: (date: ScheduleDate, cycleId: string): string => `refresh:${date}:${cycleId}`,
  syncUsers: (cycleId: string): string => `users:${cycleId}`,
  /** One retention run per day, however many ticks and replicas. */
  retention: (date: ScheduleDate): string => `retention:${date}`,
  /** Every replica serving the same stale version of a date names the same job. */
  staleRefresh: (date: ScheduleDate, version: string): string => `stale:${date}:${version}`,
} as const;
