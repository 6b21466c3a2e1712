import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { ScheduleDocument } from '../domain/schedule-document';

/** Port and DI token for the legacy API. */
export abstract class UpstreamClient {
  /** The date's all-companies answer, validated and split into one document per company. */
  abstract fetchSchedule(date: ScheduleDate): Promise<Map<CompanyId, ScheduleDocument>>;
  /** The portal users directory, validated, as the upstream wrote it. */
  abstract fetchUsers(): Promise<string>;
  /** Resolves when the upstream answers HTTP at all (any status), within `timeoutMs`. */
  abstract ping(timeoutMs: number): Promise<void>;
}
