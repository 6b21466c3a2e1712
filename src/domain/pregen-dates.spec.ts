import { ScheduleDate } from './schedule-key';
import { addDays, pregenDates } from './pregen-dates';

describe(pregenDates.name, () => {
  it('should list today and the following days in UTC', () => {
    expect(pregenDates(new Date('2026-11-23T23:30:00Z'), 'UTC', 3)).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
    ]);
  });

  it("should start from the schedule time zone's calendar day", () => {
    expect(pregenDates(new Date('2026-11-23T23:30:00Z'), 'Asia/Tokyo', 2)).toEqual([
      '2026-11-24',
      '2026-11-25',
    ]);
    expect(pregenDates(new Date('2026-11-24T03:00:00Z'), 'America/Chicago', 1)).toEqual([
      '2026-11-23',
    ]);
  });

  it('should cross month, year and leap-day boundaries', () => {
    expect(pregenDates(new Date('2028-02-28T12:00:00Z'), 'UTC', 3)).toEqual([
      '2028-02-28',
      '2028-02-29',
      '2028-03-01',
    ]);
    expect(pregenDates(new Date('2026-12-31T12:00:00Z'), 'UTC', 2)).toEqual([
      '2026-12-31',
      '2027-01-01',
    ]);
  });
});

describe(addDays.name, () => {
  it('should count back across a year and a leap day', () => {
    expect(addDays('2028-03-01' as ScheduleDate, -1)).toBe('2028-02-29');
    expect(addDays('2027-01-15' as ScheduleDate, -30)).toBe('2026-12-16');
    expect(addDays('2026-12-04' as ScheduleDate, 0)).toBe('2026-12-04');
  });
});
