import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ThreadChannel } from '../common/thread-channel';
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
  ThreadError,
  UpstreamMetric,
  UpstreamRequest,
} from './upstream-thread.messages';

const ENTRY = join(__dirname, `upstream.worker${extname(__filename)}`);

/**
 * The legacy API, called from a thread of its own: parsing and splitting a date's answer on the
 * main thread would stall every request meanwhile (docs/decisions/upstream-worker-thread.md).
 */
@Injectable()
export class ThreadedUpstreamClient extends UpstreamClient implements OnApplicationShutdown {
  private readonly thread: ThreadChannel;
  /** The reservations of the calls under way that asked for one, by call id. */
  private readonly reservations = new Map<number, AnswerReservation>();
  private closed = false;

  constructor(config: AppConfig, metrics: MetricsService) {
    super();
    this.thread = new ThreadChannel({
      name: 'upstream thread',
      entry: ENTRY,
      workerData: config.upstream,
      logger: new Logger(ThreadedUpstreamClient.name),
      errorFrom: (error) => errorFromThread(error as ThreadError),
      onNotice: (message, thread) => {
        const notice = message as UpstreamMetric | ReservationAsked;
        if ('metric' in notice) {
          metrics.recordUpstream(notice.metric.outcome, notice.metric.seconds);
        } else {
          this.reservationAsked(thread, notice);
        }
      },
    });
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
    await this.thread.close();
  }

  private async call(request: UpstreamRequest, reservation?: AnswerReservation): Promise<unknown> {
    if (this.closed) {
      throw new Error('The upstream client is shut down');
    }
    const { id, answer } = this.thread.send(request);
    if (!reservation) {
      return answer;
    }
    this.reservations.set(id, reservation);
    try {
      return await answer;
    } finally {
      this.reservations.delete(id);
    }
  }

  private reservationAsked(thread: Worker, message: ReservationAsked): void {
    if ('grow' in message) {
      this.reservations.get(message.grow)?.grow(message.bytes);
      return;
    }
    const { reserve: id, bytes } = message;
    const reservation = this.reservations.get(id);
    // A call that ended meanwhile reads no body: any answer lets its thread go on.
    const reserved = reservation ? reservation.reserve(bytes) : Promise.resolve(0);
    const grant = (granted: number) =>
      thread.postMessage({ reserved: id, bytes: granted } satisfies ReservationGranted);
    void reserved.then(grant, () => grant(0));
  }
}
