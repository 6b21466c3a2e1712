export type ScheduleDate = string & { readonly __brand: 'ScheduleDate' };
export type CompanyId = number & { readonly __brand: 'CompanyId' };

export interface ScheduleKey {
  readonly companyId: CompanyId;
  readonly date: ScheduleDate;
}

export const QueryMessages = {
  datesRequired: 'startDate and endDate are required',
  dateFormat: 'Invalid date format. Use YYYY-MM-DD',
  singleDay: 'startDate must equal endDate (single day queries only)',
  companyRequired: 'serviceCompanyId is required',
  companyInvalid: 'serviceCompanyId must be a positive integer',
} as const;

export class ScheduleQueryError extends Error {}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPANY_ID = /^[1-9]\d{0,9}$/;
// Upstream ids are .NET Int32.
const MAX_COMPANY_ID = 2_147_483_647;

export function isScheduleDate(value: unknown): value is ScheduleDate {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (!match) {
    return false;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

export function toCompanyId(value: unknown): CompanyId | null {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value > 0 && value <= MAX_COMPANY_ID
      ? (value as CompanyId)
      : null;
  }
  if (typeof value !== 'string' || !COMPANY_ID.test(value)) {
    return null;
  }
  const id = Number(value);
  return id <= MAX_COMPANY_ID ? (id as CompanyId) : null;
}

/** A valid query; the company may be omitted (a company's own token implies it). */
export interface ScheduleQuery {
  readonly companyId?: CompanyId;
  readonly date: ScheduleDate;
}

/** Validates the legacy query; a repeated parameter arrives as an array and is rejected. */
export function parseScheduleQuery(query: Readonly<Record<string, unknown>>): ScheduleQuery {
  const { startDate, endDate, serviceCompanyId } = query;
  if (isBlank(startDate) || isBlank(endDate)) {
    throw new ScheduleQueryError(QueryMessages.datesRequired);
  }
  if (!isScheduleDate(startDate) || !isScheduleDate(endDate)) {
    throw new ScheduleQueryError(QueryMessages.dateFormat);
  }
  if (startDate !== endDate) {
    throw new ScheduleQueryError(QueryMessages.singleDay);
  }
  if (isBlank(serviceCompanyId)) {
    return { date: startDate };
  }
  const companyId = toCompanyId(serviceCompanyId);
  if (companyId === null) {
    throw new ScheduleQueryError(QueryMessages.companyInvalid);
  }
  return { companyId, date: startDate };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}
