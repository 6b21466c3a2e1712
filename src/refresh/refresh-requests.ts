import { ScheduleDate } from '../domain/schedule-key';

/** Port to ask for a background refresh of a date, deduplicated across replicas by `version`. */
export abstract class RefreshRequests {
  abstract requestRefresh(date: ScheduleDate, version: string): Promise<void>;
}
