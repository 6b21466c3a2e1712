import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { ScheduleDocument } from '../domain/schedule-document';

/** How a caller bounds the memory of the answers it holds (see MemoryBudget). */
export interface AnswerReservation {
  /**
   * Awaited once the answer's headers are in, before its body is read: resolves with the bytes
   * held for it once its Content-Length (null when untold: the size expected) fits.
   */
  reserve(length: number | null): Promise<number>;
  /** Counts bytes beyond those held, without waiting: an answer longer than its reservation. */
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
