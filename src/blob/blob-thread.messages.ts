import { BlobOperation } from '../metrics/metric-names';
import { BlobMetadata } from './blob.storage';

/** A write for the blob thread (ThreadedBlobStorage); its body crosses as transferred bytes. */
export interface BlobWriteRequest {
  readonly name: string;
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly metadata?: BlobMetadata;
}

export type BlobWriteCall = BlobWriteRequest & { readonly id: number };

/** A write's result across threads: a cloned Date fails `instanceof Date` in another realm (Jest's). */
export interface ThreadWriteResult {
  readonly etag: string;
  readonly lastModified: number;
}

/** A measurement of the thread's, recorded by the main thread's metrics. */
export interface BlobMetric {
  readonly metric: { readonly op: BlobOperation; readonly seconds: number };
}
