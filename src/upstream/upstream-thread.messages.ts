import { errorMessage } from '../common/error-message';
import { ScheduleDocument } from '../domain/schedule-document';
import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { UpstreamError, UpstreamFailure } from './upstream.errors';

export type UpstreamRequest =
  | { readonly method: 'fetchSchedule'; readonly date: ScheduleDate }
  | { readonly method: 'fetchUsers' }
  | { readonly method: 'ping'; readonly timeoutMs: number };

/** A request to the upstream thread, answered by an `UpstreamReply` with the same id. */
export type UpstreamCall = UpstreamRequest & { readonly id: number };

export interface ThreadError {
  readonly kind?: UpstreamFailure;
  readonly message: string;
}

/** One company's document as it crosses threads: company, jobs, body. */
export type ThreadDocument = readonly [CompanyId, number, Uint8Array];

export type UpstreamReply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: ThreadError };

/** A measurement of the thread's, recorded by the main thread's metrics. */
export interface UpstreamMetric {
  readonly metric: { readonly outcome: string; readonly seconds: number };
}

/**
 * Each body in memory of its own, so it can be transferred: Buffers share pooled memory, and
 * a body kept by the document cache must not hold a whole date's answer alive.
 */
export function documentsToThread(documents: ReadonlyMap<CompanyId, ScheduleDocument>): {
  documents: ThreadDocument[];
  transfer: ArrayBuffer[];
} {
  const transfer: ArrayBuffer[] = [];
  const entries = [...documents].map(([companyId, { jobs, body }]): ThreadDocument => {
    const own = Buffer.allocUnsafeSlow(body.length);
    body.copy(own);
    transfer.push(own.buffer);
    return [companyId, jobs, own];
  });
  return { documents: entries, transfer };
}

export function documentsFromThread(
  documents: readonly ThreadDocument[],
): Map<CompanyId, ScheduleDocument> {
  return new Map(
    documents.map(([companyId, jobs, body]) => [
      companyId,
      { jobs, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) },
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
