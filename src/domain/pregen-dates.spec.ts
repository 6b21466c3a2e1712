import { pregenDates } from './pregen-dates';

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
