import { parentPort, workerData } from 'node:worker_threads';
import { yieldToMainThread } from '../common/new-thread';
import { errorMessage } from '../common/error-message';
import { ThreadReply } from '../common/thread-channel';
import { AzureBlobStorage, BlobConfig } from './azure-blob.storage';
import { BlobMetric, BlobWriteCall, ThreadWriteResult } from './blob-thread.messages';

/** The blob thread's entry: an AzureBlobStorage doing ThreadedBlobStorage's writes. */
yieldToMainThread();
const port = parentPort;
if (!port) {
  throw new Error('blob.worker runs only as a worker thread (see ThreadedBlobStorage)');
}
/** Measurements since the last reply, sent with the next one. */
const metrics: BlobMetric[] = [];
const storage = new AzureBlobStorage(workerData as BlobConfig, {
  recordBlob: (op, seconds) => void metrics.push({ metric: { op, seconds } }),
});

port.on('message', ({ id, name, body, contentType, metadata }: BlobWriteCall) => {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  storage.write(name, { body: bytes, contentType, metadata }).then(
    ({ etag, lastModified }) => {
      const value: ThreadWriteResult = { etag, lastModified: lastModified.getTime() };
      port.postMessage({ id, value, notices: metrics.splice(0) } satisfies ThreadReply);
    },
    (error: unknown) =>
      port.postMessage({
        id,
        error: errorMessage(error),
        notices: metrics.splice(0),
      } satisfies ThreadReply),
  );
});
