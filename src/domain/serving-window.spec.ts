import { isInWindow, outsideWindowMessage, servingWindow } from './serving-window';
import { ScheduleDate } from './schedule-key';

const day = (date: string) => date as ScheduleDate;

describe(servingWindow.name, () => {
  it("should span pastDays before the time zone's today to futureDays after it", () => {
    expect(servingWindow(new Date('2026-12-31T23:30:00Z'), 'UTC', 31, 62)).toEqual({
      first: '2026-11-30',
      last: '2027-03-03',
    });
    expect(servingWindow(new Date('2026-12-31T23:30:00Z'), 'Asia/Tokyo', 0, 6)).toEqual({
      first: '2027-01-01',
      last: '2027-01-07',
    });
  });

  it.each([
    ['2026-11-03', true],
    ['2027-02-04', true],
    ['2026-12-04', true],
    ['2026-11-02', false],
    ['2027-02-05', false],
    ['0100-01-01', false],
    ['9999-12-31', false],
  ])('should tell whether %s is in 2026-11-03 .. 2027-02-04: %s', (date, inside) => {
    const window = servingWindow(new Date('2026-12-04T12:00:00Z'), 'UTC', 31, 62);

    expect(isInWindow(day(date), window)).toBe(inside);
  });

  it('should word the refusal as the legacy API words its own, naming the window', () => {
    expect(outsideWindowMessage({ first: day('2026-11-03'), last: day('2027-02-04') })).toBe(
      'Date out of range. Use a date from 2026-11-03 to 2027-02-04',
    );
  });
});
