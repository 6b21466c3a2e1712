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

// Checked by arithmetic: no match array or Date object for the two dates of every request.
const DASH = 0x2d;
const ZERO = 0x30;
// Years 0000-0099 were never valid: Date.UTC maps them to 1900-1999.
const MIN_YEAR = 100;
const COMPANY_ID = /^[1-9]\d{0,9}$/;
// Upstream ids are .NET Int32.
const MAX_COMPANY_ID = 2_147_483_647;

export function isScheduleDate(value: unknown): value is ScheduleDate {
  if (typeof value !== 'string' || value.length !== 10) {
    return false;
  }
  if (value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH) {
    return false;
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  return year >= MIN_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** The decimal number of `text` from `start` to `end`, or -1 when any of it is not 0-9. */
function digits(text: string, start: number, end: number): number {
  let number = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) {
      return -1;
    }
    number = number * 10 + digit;
  }
  return number;
}

function daysIn(year: number, month: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
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
