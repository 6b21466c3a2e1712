import { Logger } from '@nestjs/common';
import { Transferable, Worker } from 'node:worker_threads';
import { errorMessage } from './error-message';
import { newThread } from './new-thread';

/**
 * A thread's answer to the call with the same id: a value, or an error to raise. `notices` ride
 * along, handled first, so a thread answering many calls wakes the caller once per call.
 */
export type ThreadReply = (
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: unknown }
) & { readonly notices?: readonly unknown[] };

export interface ThreadChannelOptions {
  /** For logs: "the upstream thread". */
  readonly name: string;
  readonly entry: string;
  readonly workerData: unknown;
  readonly logger: Logger;
  /** Turns a reply's error back into what the caller would have met on its own thread. */
  readonly errorFrom: (error: unknown) => Error;
  /** Any message of the thread's that is not a reply (metrics, requests of its own). */
  readonly onNotice: (message: unknown, thread: Worker) => void;
}

interface PendingCall {
  readonly answer: Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Calls into a worker thread that answers each `{ id, ... }` with a `ThreadReply`. The thread
 * starts on the first call and again on the next call after it stopped; it keeps the process
 * alive only while a call waits.
 */
export class ThreadChannel {
  private readonly pending = new Map<number, PendingCall>();
  private thread: Worker | undefined;
  private nextId = 0;

  constructor(private readonly options: ThreadChannelOptions) {}

  /** Sends `request`; `transfer` moves those buffers instead of copying them. */
  call(request: object, transfer: readonly Transferable[] = []): Promise<unknown> {
    return this.send(request, transfer).answer;
  }

  /** `call`, also telling the id the thread's notices about this call will carry. */
  send(
    request: object,
    transfer: readonly Transferable[] = [],
  ): { readonly id: number; readonly answer: Promise<unknown> } {
    const thread = (this.thread ??= this.start());
    const id = (this.nextId += 1);
    let resolve!: (value: unknown) => void;
    let reject!: (error: Error) => void;
    const answer = new Promise<unknown>((res, rej) => ((resolve = res), (reject = rej)));
    this.pending.set(id, { answer, resolve, reject });
    thread.ref();
    thread.postMessage({ ...request, id }, [...transfer]);
    return { id, answer };
  }

  /** Lets calls under way finish, then stops the thread. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending.values()].map((call) => call.answer));
    await this.thread?.terminate();
  }

  private start(): Worker {
    const { name, entry, workerData, logger, errorFrom, onNotice } = this.options;
    const thread = newThread(entry, { workerData });
    thread.unref();
    thread.on('message', (message: unknown) => {
      if (!isReply(message)) {
        onNotice(message, thread);
        return;
      }
      for (const notice of message.notices ?? []) {
        onNotice(notice, thread);
      }
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (this.pending.size === 0) {
        thread.unref();
      }
      if ('error' in message) {
        call?.reject(errorFrom(message.error));
      } else {
        call?.resolve(message.value);
      }
    });
    thread.on('error', (error) => {
      logger.error(`The ${name} failed: ${errorMessage(error)}`);
    });
    thread.on('exit', (code) => {
      this.thread = undefined;
      const stopped = new Error(`The ${name} stopped (exit code ${code})`);
      for (const call of this.pending.values()) {
        call.reject(stopped);
      }
      this.pending.clear();
    });
    return thread;
  }
}

function isReply(message: unknown): message is ThreadReply {
  return (
    typeof message === 'object' &&
    message !== null &&
    'id' in message &&
    ('value' in message || 'error' in message)
  );
}
