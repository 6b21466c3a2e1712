import { HttpAnswer, HttpRequest, request } from './http';

/** The legacy endpoint the service fronts, spelled out: its path is part of the contract. */
export const SCHEDULE_PATH = '/api/dr-schedule';

/**
 * A query of GET /api/dr-schedule. Values go into the URL as given, not percent-encoded, so that a
 * hostile case spells its own bytes (`companyId: '..%2F1'`).
 */
export interface ScheduleQuery {
  /** startDate, and endDate too unless `endDate` is given; omitted: neither is sent. */
  date?: string;
  /** An endDate other than `date`; null: no endDate at all. */
  endDate?: string | null;
  /** serviceCompanyId; omitted: not sent (a company's own token implies it). */
  companyId?: number | string;
  /** Further `name=value` pairs after the others, such as a repeated parameter. */
  extra?: string[];
}

/** What the legacy API answers, and this service with it. */
export interface ScheduleEnvelope<Job = Record<string, unknown>> {
  Result: Job[];
  Message: string;
  IsSuccess: boolean;
}

export function scheduleUrl(base: string, query: ScheduleQuery): string {
  const endDate = query.endDate === undefined ? query.date : query.endDate;
  const params = [
    ...(query.date === undefined ? [] : [`startDate=${query.date}`]),
    ...(endDate === undefined || endDate === null ? [] : [`endDate=${endDate}`]),
    ...(query.companyId === undefined ? [] : [`serviceCompanyId=${query.companyId}`]),
    ...(query.extra ?? []),
  ];
  return `${base}${SCHEDULE_PATH}${params.length === 0 ? '' : `?${params.join('&')}`}`;
}

/** GET /api/dr-schedule on the service at `base`, as the caller `init` describes. */
export function getSchedule(
  base: string,
  query: ScheduleQuery,
  init: Pick<HttpRequest, 'token' | 'headers'> = {},
): Promise<HttpAnswer> {
  return request(scheduleUrl(base, query), init);
}

/** The jobs of a 200 answer. */
export function jobsOf<Job = Record<string, unknown>>(answer: HttpAnswer): Job[] {
  return answer.json<ScheduleEnvelope<Job>>().Result;
}
