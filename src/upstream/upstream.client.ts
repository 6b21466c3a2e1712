import { CompanyId, ScheduleDate } from '../schedule/schedule-key';

/** An all-companies answer that passed validation: its raw text and each job's company. */
export interface UpstreamSchedule {
  readonly text: string;
  readonly companyIds: readonly CompanyId[];
}

/** Port and DI token for the legacy API. */
export abstract class UpstreamClient {
  abstract fetchSchedule(date: ScheduleDate): Promise<UpstreamSchedule>;
  /** The portal users directory, validated, as the upstream wrote it. */
  abstract fetchUsers(): Promise<string>;
  /** Resolves when the upstream answers HTTP at all (any status), within `timeoutMs`. */
  abstract ping(timeoutMs: number): Promise<void>;
}
