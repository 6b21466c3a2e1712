import { parentPort, workerData } from 'node:worker_threads';
import { HttpUpstreamClient, UpstreamConfig } from './http-upstream.client';
import {
  documentsToThread,
  errorToThread,
  UpstreamCall,
  UpstreamMetric,
  UpstreamReply,
} from './upstream-thread.messages';

/** The upstream thread's entry: an HttpUpstreamClient answering ThreadedUpstreamClient's calls. */
const port = parentPort;
if (!port) {
  throw new Error('upstream.worker runs only as a worker thread (see ThreadedUpstreamClient)');
}
const client = new HttpUpstreamClient(workerData as UpstreamConfig, {
  recordUpstream: (outcome, seconds) =>
    port.postMessage({ metric: { outcome, seconds } } satisfies UpstreamMetric),
});

port.on('message', (call: UpstreamCall) => {
  answer(call).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (error: unknown) =>
      port.postMessage({ id: call.id, error: errorToThread(error) } satisfies UpstreamReply),
  );
});

async function answer(
  call: UpstreamCall,
): Promise<{ reply: UpstreamReply; transfer?: ArrayBuffer[] }> {
  switch (call.method) {
    case 'fetchSchedule': {
      const { documents, transfer } = documentsToThread(await client.fetchSchedule(call.date));
      return { reply: { id: call.id, value: documents }, transfer };
    }
    case 'fetchUsers':
      return { reply: { id: call.id, value: await client.fetchUsers() } };
    case 'ping':
      await client.ping(call.timeoutMs);
      return { reply: { id: call.id, value: null } };
  }
}
