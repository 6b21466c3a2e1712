import { addDays } from './calendar';
import { ScheduleDate } from './schedule-key';

describe(addDays.name, () => {
  it('should count back across a year and a leap day', () => {
    expect(addDays('2028-03-01' as ScheduleDate, -1)).toBe('2028-02-29');
    expect(addDays('2027-01-15' as ScheduleDate, -30)).toBe('2026-12-16');
    expect(addDays('2026-12-04' as ScheduleDate, 0)).toBe('2026-12-04');
  });
});
