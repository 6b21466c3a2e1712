import { errorMessage } from '../common/error-message';
import { ownMemory } from '../common/own-memory';
import { ScheduleDocument } from '../domain/schedule-document';
import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { UpstreamError, UpstreamFailure } from './upstream.errors';

export type UpstreamRequest =
  | { readonly method: 'fetchSchedule'; readonly date: ScheduleDate; readonly reserves: boolean }
  | { readonly method: 'fetchUsers' }
  | { readonly method: 'ping'; readonly timeoutMs: number };

/** A request to the upstream thread, answered by a `ThreadReply` with the same id. */
export type UpstreamCall = UpstreamRequest & { readonly id: number };

export interface ThreadError {
  readonly kind?: UpstreamFailure;
  readonly message: string;
}

/** One company's document as it crosses threads: company, jobs, body, sha256. */
export type ThreadDocument = readonly [CompanyId, number, Uint8Array, string | undefined];

/** A measurement of the thread's, recorded by the main thread's metrics. */
export interface UpstreamMetric {
  readonly metric: { readonly outcome: string; readonly seconds: number };
}

/** The thread asks the caller of call `id` for memory of its answer (AnswerReservation). */
export type ReservationAsked =
  | { readonly reserve: number; readonly bytes: number | null }
  | { readonly grow: number; readonly bytes: number };

/** The main thread's answer to `reserve`: `bytes` are held, the body may be read. */
export interface ReservationGranted {
  readonly reserved: number;
  readonly bytes: number;
}

/**
 * Each body in memory of its own, so it can be transferred: a pooled Buffer is copied first, as
 * a body kept by the document cache must not hold other memory alive.
 */
export function documentsToThread(documents: ReadonlyMap<CompanyId, ScheduleDocument>): {
  documents: ThreadDocument[];
  transfer: ArrayBuffer[];
} {
  const transfer: ArrayBuffer[] = [];
  const entries = [...documents].map(([companyId, { jobs, body, sha256 }]): ThreadDocument => {
    const own = ownMemory(body);
    transfer.push(own.buffer as ArrayBuffer);
    return [companyId, jobs, own, sha256];
  });
  return { documents: entries, transfer };
}

export function documentsFromThread(
  documents: readonly ThreadDocument[],
): Map<CompanyId, ScheduleDocument> {
  return new Map(
    documents.map(([companyId, jobs, body, sha256]) => [
      companyId,
      { jobs, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), sha256 },
    ]),
  );
}

export function errorToThread(error: unknown): ThreadError {
  return error instanceof UpstreamError
    ? { kind: error.kind, message: error.message }
    : { message: errorMessage(error) };
}

/** The thread's error as the caller would have met it on its own thread. */
export function errorFromThread({ kind, message }: ThreadError): Error {
  return kind ? new UpstreamError(kind, message) : new Error(message);
}
