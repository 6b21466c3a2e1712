import { CompanyId, isScheduleDate, ScheduleDate } from '../domain/schedule-key';

const DOCUMENT = /^[1-9]\d*\/(\d{4}-\d{2}-\d{2})\/schedule\.json$/;
const MANIFEST = /^manifests\/(\d{4}-\d{2}-\d{2})\.json$/;

// The only place blob names are built; inputs are already validated value types.
export const BlobNames = {
  schedule: (companyId: CompanyId, date: ScheduleDate): string =>
    `${companyId}/${date}/schedule.json`,
  manifest: (date: ScheduleDate): string => `manifests/${date}.json`,
  users: (): string => 'users/users.json',
  featureToggles: (companyId: CompanyId): string => `feature-toggles/${companyId}.json`,
  /** The date of a document's or a manifest's name; null for any other blob. */
  dateOf: (name: string): ScheduleDate | null => {
    const date = (DOCUMENT.exec(name) ?? MANIFEST.exec(name))?.[1];
    return isScheduleDate(date) ? date : null;
  },
} as const;
