import { parseScheduleQuery, QueryMessages, ScheduleQueryError } from './schedule-key';

const valid = { startDate: '2025-12-03', endDate: '2025-12-03', serviceCompanyId: '59' };

describe(parseScheduleQuery.name, () => {
  it('should accept a single day and a positive integer company', () => {
    expect(parseScheduleQuery(valid)).toEqual({ date: '2025-12-03', companyId: 59 });
  });

  it('should accept a leap day and the largest Int32 company id', () => {
    expect(
      parseScheduleQuery({
        startDate: '2024-02-29',
        endDate: '2024-02-29',
        serviceCompanyId: '2147483647',
      }),
    ).toEqual({ date: '2024-02-29', companyId: 2147483647 });
  });

  it.each([undefined, ''])(
    'should leave the company out when serviceCompanyId is %j (the token decides)',
    (serviceCompanyId) => {
      expect(parseScheduleQuery({ ...valid, serviceCompanyId })).toEqual({ date: '2025-12-03' });
    },
  );

  it.each([
    [{ endDate: '2025-12-03', serviceCompanyId: '59' }, QueryMessages.datesRequired],
    [{ startDate: '2025-12-03', serviceCompanyId: '59' }, QueryMessages.datesRequired],
    [{ ...valid, startDate: '' }, QueryMessages.datesRequired],
    [{ ...valid, startDate: '2025-02-30', endDate: '2025-02-30' }, QueryMessages.dateFormat],
    [{ ...valid, startDate: '2023-02-29', endDate: '2023-02-29' }, QueryMessages.dateFormat],
    [{ ...valid, startDate: '2025-13-01', endDate: '2025-13-01' }, QueryMessages.dateFormat],
    [{ ...valid, startDate: '2025-1-01', endDate: '2025-1-01' }, QueryMessages.dateFormat],
    [{ ...valid, startDate: '99999-01-01', endDate: '99999-01-01' }, QueryMessages.dateFormat],
    [{ ...valid, startDate: '0000-01-01', endDate: '0000-01-01' }, QueryMessages.dateFormat],
    [
      { ...valid, startDate: '2025-12-03T00:00:00Z', endDate: '2025-12-03T00:00:00Z' },
      QueryMessages.dateFormat,
    ],
    [{ ...valid, startDate: '٢٠٢٥-١٢-٠٣', endDate: '٢٠٢٥-١٢-٠٣' }, QueryMessages.dateFormat],
    [{ ...valid, startDate: ['2025-12-03', '2025-12-03'] }, QueryMessages.dateFormat],
    [{ ...valid, endDate: '2025-12-04' }, QueryMessages.singleDay],
    [{ ...valid, serviceCompanyId: '../1' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '%2e%2e' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '1.5' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '-1' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '0' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '007' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '1e3' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '0x1F' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '1 ' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '١٢' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '2147483648' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: '99999999999999999999' }, QueryMessages.companyInvalid],
    [{ ...valid, serviceCompanyId: ['1', '2'] }, QueryMessages.companyInvalid],
  ])('should reject %j with "%s"', (query, message) => {
    expect(() => parseScheduleQuery(query)).toThrow(new ScheduleQueryError(message));
  });
});
