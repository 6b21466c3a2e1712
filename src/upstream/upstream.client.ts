import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { ScheduleDocument } from '../domain/schedule-document';

/** How a caller bounds the memory of the answers it holds (see MemoryBudget). */
export interface AnswerReservation {
  /** Awaited before the request is sent (with null): resolves while the budget has room. */
  reserve(bytes: number | null): Promise<void>;
  /** Told of the answer's bytes without waiting: its Content-Length, then any bytes beyond it. */
  grow(bytes: number): void;
}

/** Port and DI token for the legacy API. */
export abstract class UpstreamClient {
  /** The date's all-companies answer, validated and split into one document per company. */
  abstract fetchSchedule(
    date: ScheduleDate,
    reservation?: AnswerReservation,
  ): Promise<Map<CompanyId, ScheduleDocument>>;
  /** The portal users directory, validated, as the upstream wrote it. */
  abstract fetchUsers(): Promise<string>;
  /** Resolves when the upstream answers HTTP at all (any status), within `timeoutMs`. */
  abstract ping(timeoutMs: number): Promise<void>;
}
