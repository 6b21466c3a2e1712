import { parseScheduleQuery, QueryMessages, ScheduleQueryError } from './schedule-key';

const DAY = '2025-12-03';
const valid = { startDate: DAY, endDate: DAY, serviceCompanyId: '59' };
/** The same value as startDate and endDate. */
const onBoth = (date: unknown) => ({ ...valid, startDate: date, endDate: date });
const company = (serviceCompanyId: unknown) => ({ ...valid, serviceCompanyId });

/**
 * Every hostile query the service has met or imagined, as the query-string parser hands it over
 * (percent-decoded; a repeated parameter as an array). The e2e test sends one per message.
 */
const HOSTILE_QUERIES: [Record<string, unknown>, string][] = [
  [{ endDate: DAY, serviceCompanyId: '59' }, QueryMessages.datesRequired],
  [{ startDate: DAY, serviceCompanyId: '59' }, QueryMessages.datesRequired],
  [{ serviceCompanyId: '59' }, QueryMessages.datesRequired],
  [{ ...valid, startDate: '' }, QueryMessages.datesRequired],
  [{ ...valid, endDate: '' }, QueryMessages.datesRequired],
  [onBoth('2025-02-30'), QueryMessages.dateFormat],
  [onBoth('2023-02-29'), QueryMessages.dateFormat],
  [onBoth('2025-13-01'), QueryMessages.dateFormat],
  [onBoth('2025-1-01'), QueryMessages.dateFormat],
  [onBoth('99999-01-01'), QueryMessages.dateFormat],
  [onBoth('0000-01-01'), QueryMessages.dateFormat],
  [onBoth('0099-12-31'), QueryMessages.dateFormat],
  [onBoth('1900-02-29'), QueryMessages.dateFormat],
  [onBoth('2025-04-31'), QueryMessages.dateFormat],
  [onBoth('2025-00-10'), QueryMessages.dateFormat],
  [onBoth('2025-12-00'), QueryMessages.dateFormat],
  [onBoth('2025/12/03'), QueryMessages.dateFormat],
  [onBoth('+025-12-03'), QueryMessages.dateFormat],
  [onBoth('2025-12-03T00:00:00Z'), QueryMessages.dateFormat],
  [onBoth('٢٠٢٥-١٢-٠٣'), QueryMessages.dateFormat],
  [onBoth('../../2025-12-03'), QueryMessages.dateFormat],
  [{ ...valid, startDate: 'x'.repeat(5_000) }, QueryMessages.dateFormat],
  [{ ...valid, startDate: [DAY, DAY] }, QueryMessages.dateFormat],
  [{ ...valid, endDate: [DAY, DAY] }, QueryMessages.dateFormat],
  [{ ...valid, endDate: '2025-12-04' }, QueryMessages.singleDay],
  [company('../1'), QueryMessages.companyInvalid],
  [company('..'), QueryMessages.companyInvalid],
  [company('%2e%2e'), QueryMessages.companyInvalid],
  [company('../../manifests'), QueryMessages.companyInvalid],
  [company('1.5'), QueryMessages.companyInvalid],
  [company('-1'), QueryMessages.companyInvalid],
  [company('0'), QueryMessages.companyInvalid],
  [company('007'), QueryMessages.companyInvalid],
  [company('1e3'), QueryMessages.companyInvalid],
  [company('0x1F'), QueryMessages.companyInvalid],
  [company('1 '), QueryMessages.companyInvalid],
  [company('1\u0000'), QueryMessages.companyInvalid],
  [company('١٢'), QueryMessages.companyInvalid],
  [company('2147483648'), QueryMessages.companyInvalid],
  [company('99999999999999999999'), QueryMessages.companyInvalid],
  [company('x'.repeat(5_000)), QueryMessages.companyInvalid],
  [company(['1', '2']), QueryMessages.companyInvalid],
];

describe('Legacy schedule query validation', () => {
  it("should answer the legacy API's 400 messages word for word", () => {
    expect(QueryMessages).toEqual({
      datesRequired: 'startDate and endDate are required',
      dateFormat: 'Invalid date format. Use YYYY-MM-DD',
      singleDay: 'startDate must equal endDate (single day queries only)',
      companyRequired: 'serviceCompanyId is required',
      companyInvalid: 'serviceCompanyId must be a positive integer',
    });
  });

  it('should accept a single day and a positive integer company', () => {
    expect(parseScheduleQuery(valid)).toEqual({ date: DAY, companyId: 59 });
  });

  it.each(['0100-01-01', '2000-02-29', '2025-04-30', '2025-12-31', '9999-12-31'])(
    'should accept the real day %s',
    (date) => {
      expect(parseScheduleQuery(onBoth(date))).toEqual({ date, companyId: 59 });
    },
  );

  it('should accept a leap day and the largest Int32 company id', () => {
    expect(parseScheduleQuery({ ...onBoth('2024-02-29'), serviceCompanyId: '2147483647' })).toEqual(
      { date: '2024-02-29', companyId: 2147483647 },
    );
  });

  it.each([undefined, ''])(
    'should leave the company out when serviceCompanyId is %j (the token decides)',
    (serviceCompanyId) => {
      expect(parseScheduleQuery(company(serviceCompanyId))).toEqual({ date: DAY });
    },
  );

  it.each(HOSTILE_QUERIES)('should reject %j with "%s"', (query, message) => {
    const parse = () => parseScheduleQuery(query);

    expect(parse).toThrow(ScheduleQueryError);
    expect(parse).toThrow(new ScheduleQueryError(message));
  });
});
