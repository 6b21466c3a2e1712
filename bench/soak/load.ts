/** The soak's clients: a fixed request rate spread over both replicas, several dates and companies. */
import { pacedLoad } from '../support/paced-load';
import { scheduleUrl } from '../support/schedule-http';
import { AUTH, type Service } from '../support/servers';

export interface LoadOptions {
  readonly replicas: readonly Service[];
  readonly dates: readonly string[];
  readonly companies: readonly number[];
  /** Keep-alive connections in all: one per client. */
  readonly clients: number;
  /** Requests per second in all. */
  readonly rate: number;
  /** Each segment asks for other dates and companies. */
  readonly segmentS: number;
}

export interface LoadTotals {
  requests: number;
  /** Requests lost to a connection error or never answered. */
  errors: number;
  statuses: Map<number, number>;
  /** The worst segment's p99, milliseconds. */
  maxP99Ms: number;
}

// Streams at once: each a slice of the clients on one replica, date and company.
const STREAMS = 4;

/** Runs segment after segment until `until()`; every request is counted in `totals`. */
export async function runLoad(
  options: LoadOptions,
  totals: LoadTotals,
  until: () => boolean,
): Promise<void> {
  const { replicas, dates, companies } = options;
  for (let segment = 0; !until(); segment++) {
    const runs = Array.from({ length: STREAMS }, (_, stream) => {
      const replica = replicas[stream % replicas.length];
      const date = dates[(segment * STREAMS + stream) % dates.length];
      const company = companies[(segment + stream) % companies.length];
      return pacedLoad({
        url: scheduleUrl(replica.url, date, company),
        headers: AUTH,
        connections: Math.max(1, Math.round(options.clients / STREAMS)),
        rate: options.rate / STREAMS,
        durationS: options.segmentS,
      });
    });
    for (const result of await Promise.all(runs)) {
      totals.requests += result.due;
      totals.errors += result.errors;
      totals.maxP99Ms = Math.max(totals.maxP99Ms, result.p99Ms);
      for (const [status, count] of result.statuses) {
        totals.statuses.set(status, (totals.statuses.get(status) ?? 0) + count);
      }
    }
  }
}
