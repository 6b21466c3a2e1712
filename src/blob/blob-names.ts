import { CompanyId, ScheduleDate } from '../domain/schedule-key';

// The only place blob names are built; inputs are already validated value types.
export const BlobNames = {
  schedule: (companyId: CompanyId, date: ScheduleDate): string =>
    `${companyId}/${date}/schedule.json`,
  manifest: (date: ScheduleDate): string => `manifests/${date}.json`,
  users: (): string => 'users/users.json',
  featureToggles: (companyId: CompanyId): string => `feature-toggles/${companyId}.json`,
} as const;
