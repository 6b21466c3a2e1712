import { parentPort, workerData } from 'node:worker_threads';
import { yieldToMainThread } from '../common/new-thread';
import { HttpUpstreamClient, UpstreamConfig } from './http-upstream.client';
import { AnswerReservation } from './upstream.client';
import {
  documentsToThread,
  errorToThread,
  ReservationAsked,
  ReservationGranted,
  UpstreamCall,
  UpstreamMetric,
} from './upstream-thread.messages';
import { ThreadReply } from '../common/thread-channel';

/** The upstream thread's entry: an HttpUpstreamClient answering ThreadedUpstreamClient's calls. */
yieldToMainThread();
const port = parentPort;
if (!port) {
  throw new Error('upstream.worker runs only as a worker thread (see ThreadedUpstreamClient)');
}
const client = new HttpUpstreamClient(workerData as UpstreamConfig, {
  recordUpstream: (outcome, seconds) =>
    port.postMessage({ metric: { outcome, seconds } } satisfies UpstreamMetric),
});

const granted = new Map<number, (bytes: number) => void>();

port.on('message', (message: UpstreamCall | ReservationGranted) => {
  if ('reserved' in message) {
    granted.get(message.reserved)?.(message.bytes);
    granted.delete(message.reserved);
    return;
  }
  const call = message;
  answer(call).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (error: unknown) =>
      port.postMessage({ id: call.id, error: errorToThread(error) } satisfies ThreadReply),
  );
});

async function answer(
  call: UpstreamCall,
): Promise<{ reply: ThreadReply; transfer?: ArrayBuffer[] }> {
  switch (call.method) {
    case 'fetchSchedule': {
      const reservation = call.reserves ? reservationOf(call.id) : undefined;
      const split = await client.fetchSchedule(call.date, reservation);
      const { documents, transfer } = documentsToThread(split);
      return { reply: { id: call.id, value: documents }, transfer };
    }
    case 'fetchUsers':
      return { reply: { id: call.id, value: await client.fetchUsers() } };
    case 'ping':
      await client.ping(call.timeoutMs);
      return { reply: { id: call.id, value: null } };
  }
}

/** Call `id`'s reservation, made by its caller on the main thread. */
function reservationOf(id: number): AnswerReservation {
  const ask = (message: ReservationAsked) => port?.postMessage(message);
  return {
    reserve: (bytes) =>
      new Promise<number>((resolve) => {
        granted.set(id, resolve);
        ask({ reserve: id, bytes });
      }),
    grow: (bytes) => ask({ grow: id, bytes }),
  };
}
