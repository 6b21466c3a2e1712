import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { pregenDates } from '../domain/pregen-dates';
import { ScheduleRefreshService } from './schedule-refresh.service';

export type DateFreshnessByDate = Record<
  string,
  { generatedAt: string; ageSeconds: number } | null
>;

/** How fresh the pre-generated window is: each date's last complete refresh (its manifest). */
@Injectable()
export class DateFreshness {
  constructor(
    private readonly refresher: ScheduleRefreshService,
    private readonly config: AppConfig,
  ) {}

  /** When each date of the current window was last refreshed completely (its manifest). */
  async lastSuccessByDate(): Promise<DateFreshnessByDate> {
    const { timeZone, days } = this.config.pregen;
    const now = Date.now();
    const dates = pregenDates(new Date(now), timeZone, days);
    const manifests = await Promise.all(dates.map((date) => this.refresher.readManifest(date)));
    return Object.fromEntries(
      dates.map((date, i) => {
        const generatedAt = manifests[i]?.generatedAt;
        return [
          date,
          generatedAt
            ? { generatedAt, ageSeconds: Math.round((now - Date.parse(generatedAt)) / 1000) }
            : null,
        ];
      }),
    );
  }
}
