import { FeatureToggleName, FeatureToggles } from '../features/feature-toggles';
import { JsonPath, removeJsonPaths } from '../domain/raw-json';
import { rawArrayElements, ScheduleDocument, scheduleDocument } from '../domain/schedule-document';

/** The legacy envelope with only what one technician may see. */
export type TechnicianView = ScheduleDocument;

// Office-only notes and door codes: never shown to a technician, whatever the toggles.
const ALWAYS_HIDDEN: readonly JsonPath[] = [
  ['InternalMemo'],
  ['HomeInformation', 'AccessInformation'],
];

const SHOWN_ONLY_WHEN: readonly (readonly [FeatureToggleName, string])[] = [
  ['TechDashboard_DisplayBillRate', 'BillRate'],
  ['TechDashboard_DisplayFeeSplitRate', 'FeeSplitRate'],
  ['TechDashboard_DisplayAddOnRate', 'AddOnRate'],
  ['TechDashboard_DisplayRoomRate', 'RoomRate'],
];

const CONTACT_TYPES: readonly (readonly [FeatureToggleName, string])[] = [
  ['TechDashboard_DisplayCustomerPhoneNumbers', 'phone'],
  ['TechDashboard_DisplayCustomerEmails', 'email'],
];

/**
 * The jobs of a stored per-company document that list `employeeId` in `EmployeeSchedules`,
 * without the fields the company's toggles hide. Kept values stay byte for byte as stored:
 * each job is parsed once to decide, and the stored text itself is cut.
 */
export function technicianView(
  document: Buffer,
  employeeId: number,
  toggles: FeatureToggles,
): TechnicianView {
  const hidden = hiddenMembers(toggles);
  const hiddenContacts = new Set(
    CONTACT_TYPES.filter(([toggle]) => !toggles[toggle]).map(([, type]) => type),
  );
  // Most jobs are other technicians': skip parsing those. Jobs are stored compact, so this is
  // how an assigned job's text reads; an id written otherwise (4.41E3) fails closed.
  const mention = `"EmployeeInformationId":${employeeId}`;
  const kept: string[] = [];
  for (const raw of rawArrayElements(document.toString('utf8'), 'Result')) {
    if (!raw.includes(mention)) {
      continue;
    }
    const job = JSON.parse(raw) as unknown;
    if (isRecord(job) && isAssignedTo(job, employeeId)) {
      kept.push(removeJsonPaths(raw, [...hidden, ...hiddenContactPaths(job, hiddenContacts)]));
    }
  }
  return scheduleDocument(kept);
}

function hiddenMembers(toggles: FeatureToggles): JsonPath[] {
  return [
    ...ALWAYS_HIDDEN,
    ...SHOWN_ONLY_WHEN.filter(([toggle]) => !toggles[toggle]).map(([, field]) => [field]),
    ...(toggles.TechDashboard_HideDiscounts ? [['Discounts']] : []),
  ];
}

function isAssignedTo(job: Record<string, unknown>, employeeId: number): boolean {
  const schedules = job.EmployeeSchedules;
  return (
    Array.isArray(schedules) &&
    schedules.some((entry) => isRecord(entry) && entry.EmployeeInformationId === employeeId)
  );
}

/** `HomeInformation.ContactInfos` items whose `Type` (any case, spaces around ignored) is hidden. */
function hiddenContactPaths(job: Record<string, unknown>, hidden: Set<string>): JsonPath[] {
  const home = job.HomeInformation;
  const contacts = isRecord(home) ? home.ContactInfos : undefined;
  if (hidden.size === 0 || !Array.isArray(contacts)) {
    return [];
  }
  return contacts.flatMap((contact: unknown, index) =>
    isRecord(contact) &&
    typeof contact.Type === 'string' &&
    hidden.has(contact.Type.trim().toLowerCase())
      ? [['HomeInformation', 'ContactInfos', index]]
      : [],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
