import { AppConfig } from '../config/app-config';
import { ScheduleDate, ScheduleQueryError } from '../domain/schedule-key';
import { ReadWindow } from './read-window';

const config = {
  pregen: { timeZone: 'UTC' },
  readWindow: { pastDays: 1, futureDays: 6 },
} as AppConfig;
const at = (iso: string) => Date.parse(iso);
const day = (date: string) => date as ScheduleDate;

describe(ReadWindow.name, () => {
  it('should let the window through and refuse a day past either edge with the legacy-style 400', () => {
    const window = new ReadWindow(config);
    const now = at('2026-12-04T12:00:00Z');

    expect(() => window.check(day('2026-12-03'), now)).not.toThrow();
    expect(() => window.check(day('2026-12-10'), now)).not.toThrow();
    for (const date of ['2026-12-02', '2026-12-11', '9999-12-31']) {
      expect(() => window.check(day(date), now)).toThrow(
        new ScheduleQueryError('Date out of range. Use a date from 2026-12-03 to 2026-12-10'),
      );
    }
  });

  it('should move with the day', () => {
    const window = new ReadWindow(config);
    window.check(day('2026-12-10'), at('2026-12-04T23:59:59Z'));

    expect(() => window.check(day('2026-12-11'), at('2026-12-05T00:00:01Z'))).not.toThrow();
    expect(() => window.check(day('2026-12-03'), at('2026-12-05T00:00:01Z'))).toThrow(
      ScheduleQueryError,
    );
  });
});
