import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../common/error-message';
import { newThread } from '../common/new-thread';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { ScheduleDocument } from '../domain/schedule-document';
import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { AnswerReservation, UpstreamClient } from './upstream.client';
import {
  documentsFromThread,
  errorFromThread,
  ReservationAsked,
  ReservationGranted,
  ThreadDocument,
  UpstreamCall,
  UpstreamMetric,
  UpstreamReply,
  UpstreamRequest,
} from './upstream-thread.messages';

const ENTRY = join(__dirname, `upstream.worker${extname(__filename)}`);

interface PendingCall {
  readonly answer: Promise<unknown>;
  readonly reservation?: AnswerReservation;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The legacy API, called from a thread of its own: parsing and splitting a date's answer on the
 * main thread would stall every request meanwhile (docs/decisions/upstream-worker-thread.md).
 * The thread starts on the first call and again on the next call after it stopped.
 */
@Injectable()
export class ThreadedUpstreamClient extends UpstreamClient implements OnApplicationShutdown {
  private readonly logger = new Logger(ThreadedUpstreamClient.name);
  private readonly pending = new Map<number, PendingCall>();
  private thread: Worker | undefined;
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async fetchSchedule(
    date: ScheduleDate,
    reservation?: AnswerReservation,
  ): Promise<Map<CompanyId, ScheduleDocument>> {
    const request = { method: 'fetchSchedule', date, reserves: reservation !== undefined } as const;
    const documents = await this.call(request, reservation);
    return documentsFromThread(documents as ThreadDocument[]);
  }

  async fetchUsers(): Promise<string> {
    return (await this.call({ method: 'fetchUsers' })) as string;
  }

  async ping(timeoutMs: number): Promise<void> {
    await this.call({ method: 'ping', timeoutMs });
  }

  /** Lets calls under way finish (a refresh draining needs its fetch), then stops the thread. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending.values()].map((call) => call.answer));
    await this.thread?.terminate();
  }

  private call(request: UpstreamRequest, reservation?: AnswerReservation): Promise<unknown> {
    if (this.closed) {
      return Promise.reject(new Error('The upstream client is shut down'));
    }
    const thread = (this.thread ??= this.start());
    const id = (this.nextId += 1);
    let resolve!: (value: unknown) => void;
    let reject!: (error: Error) => void;
    const answer = new Promise<unknown>((res, rej) => ((resolve = res), (reject = rej)));
    this.pending.set(id, { answer, resolve, reject, reservation });
    // Referenced only while a call waits, so an idle thread never keeps the process alive.
    thread.ref();
    thread.postMessage({ ...request, id } satisfies UpstreamCall);
    return answer;
  }

  private reservationAsked(thread: Worker, message: ReservationAsked): void {
    if ('grow' in message) {
      this.pending.get(message.grow)?.reservation?.grow(message.bytes);
      return;
    }
    const { reserve: id, bytes } = message;
    const reserved = this.pending.get(id)?.reservation?.reserve(bytes) ?? Promise.resolve();
    const grant = () => thread.postMessage({ reserved: id } satisfies ReservationGranted);
    void reserved.then(grant, grant);
  }

  private start(): Worker {
    const thread = newThread(ENTRY, { workerData: this.config.upstream });
    thread.unref();
    thread.on('message', (message: UpstreamReply | UpstreamMetric | ReservationAsked) => {
      if ('metric' in message) {
        this.metrics.recordUpstream(message.metric.outcome, message.metric.seconds);
        return;
      }
      if ('reserve' in message || 'grow' in message) {
        this.reservationAsked(thread, message);
        return;
      }
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (this.pending.size === 0) {
        thread.unref();
      }
      if ('error' in message) {
        call?.reject(errorFromThread(message.error));
      } else {
        call?.resolve(message.value);
      }
    });
    thread.on('error', (error) => {
      this.logger.error(`The upstream thread failed: ${errorMessage(error)}`);
    });
    thread.on('exit', (code) => {
      this.thread = undefined;
      const stopped = new Error(`The upstream thread stopped (exit code ${code})`);
      for (const call of this.pending.values()) {
        call.reject(stopped);
      }
      this.pending.clear();
    });
    return thread;
  }
}
