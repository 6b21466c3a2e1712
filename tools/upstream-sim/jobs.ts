import { dayNumber, localDateTime } from './calendar';
import { MAX_COMPANIES, type Company, type Person } from './companies';
import { Money, type JsonObject, type JsonValue } from './dotnet-json';
import { Random } from './prng';
import {
  ACCESS_INFO,
  asciiSlug,
  BUSINESS_NAMES,
  CUSTOMER_TAGS,
  DISCOUNT_NAMES,
  FIRST_NAMES,
  HOME_TAGS,
  INTERNAL_MEMOS,
  JOB_STATUSES,
  JOB_TAGS,
  LAST_NAMES,
  NOTES,
  STREETS,
} from './sample-text';

/**
 * Job ids repeat only after this many days (about 2.7 years), which keeps them within a .NET
 * int: 1,000,000 + (1000 * MAX_COMPANIES) * MAX_JOBS_PER_COMPANY = 2,001,000,000 < 2^31 - 1.
 */
export const JOB_ID_DAY_CYCLE = 1000;
export const MAX_JOBS_PER_COMPANY = 400;
const ABSENT_PROBABILITY = 0.2;

interface Customer {
  commercial: boolean;
  info: JsonObject;
  home: JsonObject;
  accessInformation: string | null;
  customerTags: string[];
  homeTags: string[];
}

/**
 * The jobs of one company on one date, sorted by start time. Deterministic for
 * (seed, date, company). Ordinary companies have no jobs on about 1 date in 5 unless `forcePresent`.
 */
export function companyJobs(
  seed: number,
  company: Company,
  date: string,
  forcePresent = false,
): JsonObject[] {
  const rng = Random.fromKey(seed, date, company.id);
  const absent = !company.big && rng.chance(ABSENT_PROBABILITY);
  if (absent && !forcePresent) {
    return [];
  }
  const count = company.big ? rng.int(260, 310) : rng.int(5, 60);
  const firstId = firstJobId(company, date);
  const jobs = Array.from({ length: count }, (_, j) => {
    const start = rng.int(7 * 4, 16 * 4) * 15;
    return { start, job: buildJob(seed, rng, company, date, firstId + j, start) };
  });
  return jobs.sort((a, b) => a.start - b.start).map(({ job }) => job);
}

function firstJobId(company: Company, date: string): number {
  const day = ((dayNumber(date) % JOB_ID_DAY_CYCLE) + JOB_ID_DAY_CYCLE) % JOB_ID_DAY_CYCLE;
  return 1_000_000 + (day * MAX_COMPANIES + company.index) * MAX_JOBS_PER_COMPANY;
}

function buildJob(
  seed: number,
  rng: Random,
  company: Company,
  date: string,
  jobId: number,
  start: number,
): JsonObject {
  const customer = customerOf(seed, company, rng.int(0, company.customerPoolSize - 1));
  const sets = company.serviceSets.filter(
    (set) => (set.type === 'Commercial') === customer.commercial,
  );
  const service = rng.pick(sets.length > 0 ? sets : company.serviceSets);
  const crew = rng.sample(company.technicians, rng.pick([1, 1, 2, 2, 3]));
  const job: JsonObject = {
    JobInformationId: jobId,
    ServiceCompanyId: company.id,
    JobDate: `${date}T00:00:00`,
    ScheduledStartTime: localDateTime(date, start),
    ScheduledEndTime: localDateTime(date, Math.min(start + rng.int(4, 16) * 15, 23 * 60 + 45)),
    JobStatus: rng.pick(JOB_STATUSES),
    ServiceSet: { ServiceSetId: service.id, Name: service.name, ServiceType: service.type },
    ScheduledTeams: scheduledTeams(rng, company),
    EmployeeSchedules: crew.map((person, i) => employeeSchedule(person, i === 0)),
    CustomerInformation: withNullable(rng, customer.info),
    HomeInformation: homeInformation(rng, customer),
    NotesAndMemos: rng
      .sample(NOTES, rng.int(0, 2))
      .map((n) => ({ NoteType: n.type, Text: n.text })),
    InternalMemo: rng.chance(0.3) ? rng.pick(INTERNAL_MEMOS) : null,
    JobTags: rng.sample(JOB_TAGS, rng.int(0, 2)),
    HomeTags: customer.homeTags,
    CustomerTags: customer.customerTags,
    ...rates(rng),
    ...unknownExtras(rng),
  };
  return arrangeKeys(rng, withNullable(rng, job));
}

function scheduledTeams(rng: Random, company: Company): JsonValue[] {
  if (company.teams.length === 0 || rng.chance(0.2)) {
    return [];
  }
  const team = rng.pick(company.teams);
  return [{ TeamId: team.teamId, Team: { TeamName: team.name, Color: team.color } }];
}

function employeeSchedule(person: Person, isTeamLead: boolean): JsonObject {
  return {
    EmployeeInformationId: person.employeeId,
    Employee: { FirstName: person.firstName, LastName: person.lastName, IsTeamLead: isTeamLead },
  };
}

function homeInformation(rng: Random, customer: Customer): JsonObject {
  const home = withNullable(rng, {
    ...customer.home,
    AccessInformation: customer.accessInformation,
  });
  return rng.chance(0.2) ? arrangeKeys(rng, home) : home;
}

/** Money fields; their JSON text keeps the decimal scale, e.g. `165.0` or `20.50`. */
function rates(rng: Random): JsonObject {
  return {
    BillRate: new Money(rng.int(16, 90) * 500, rng.chance(0.8) ? 1 : 2),
    FeeSplitRate: rng.pick([0.4, 0.45, 0.5, 0.55]),
    AddOnRate: rng.chance(0.3) ? null : new Money(rng.pick([0, 1000, 2000, 2050, 3575]), 1),
    RoomRate: rng.chance(0.5) ? null : new Money(rng.pick([2500, 3500, 4250]), 1),
    Discounts: discounts(rng),
  };
}

function discounts(rng: Random): JsonValue {
  const roll = rng.next();
  if (roll < 0.2) {
    return null;
  }
  if (roll < 0.7) {
    return [];
  }
  const amount = new Money(rng.pick([1000, 1550, 2050, 2500]), rng.chance(0.5) ? 1 : 2);
  return [{ Name: rng.pick(DISCOUNT_NAMES), Amount: amount }];
}

/** Fields the cache knows nothing about; it must pass them through untouched. */
function unknownExtras(rng: Random): JsonObject {
  const roll = rng.next();
  if (roll < 0.05) {
    return { LegacyRouteCode: `R-${rng.int(100, 999)}` };
  }
  if (roll < 0.1) {
    return { IsRecurring: rng.chance(0.5), Recurrence: { Frequency: 'Weekly', Interval: 2 } };
  }
  return {};
}

/** Null-valued fields are sometimes left out entirely, as the .NET API does. */
function withNullable(rng: Random, value: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== null || !rng.chance(0.3)) {
      result[key] = field;
    }
  }
  return result;
}

/** Mostly the usual key order; sometimes a few keys moved to the end, sometimes shuffled. */
function arrangeKeys(rng: Random, value: JsonObject): JsonObject {
  const keys = Object.keys(value);
  const roll = rng.next();
  let order = keys;
  if (roll < 0.1) {
    order = rng.shuffle(keys);
  } else if (roll < 0.3) {
    const moved = rng.sample(keys, rng.int(1, 3));
    order = [...keys.filter((key) => !moved.includes(key)), ...moved];
  }
  return Object.fromEntries(order.map((key) => [key, value[key]]));
}

/** A company's customers are stable across dates: same id, same name, same home. */
function customerOf(seed: number, company: Company, n: number): Customer {
  const rng = Random.fromKey(seed, 'customer', company.id, n);
  const commercial = rng.chance(0.15);
  const firstName = commercial ? null : rng.pick(FIRST_NAMES);
  const lastName = commercial ? null : rng.pick(LAST_NAMES);
  const companyName = commercial ? rng.pick(BUSINESS_NAMES) : null;
  const place = rng.pick(company.cities);
  const emailLocal = asciiSlug(companyName ?? `${firstName}.${lastName}`);
  const contacts = [
    { Type: 'Phone', Value: `+1-${place.area}-555-${String(rng.int(100, 9999)).padStart(4, '0')}` },
    { Type: 'Email', Value: `${emailLocal}${n}@example.com` },
  ];
  return {
    commercial,
    info: {
      CustomerId: 10_000 + company.index * 100_000 + n,
      FirstName: firstName,
      LastName: lastName,
      CompanyName: companyName,
    },
    home: {
      HomeId: 50_000_000 + company.index * 100_000 + n,
      Address1: `${rng.int(1, 9999)} ${rng.pick(STREETS)}`,
      Address2: rng.chance(0.3) ? `${commercial ? 'Suite' : 'Apt'} ${rng.int(1, 400)}` : null,
      City: place.city,
      State: place.state,
      Zip: place.zip,
      ContactInfos: rng.chance(0.2) ? [rng.pick(contacts)] : contacts,
    },
    accessInformation: rng.chance(0.6) ? rng.pick(ACCESS_INFO) : null,
    customerTags: rng.sample(CUSTOMER_TAGS, rng.int(0, 1)),
    homeTags: rng.sample(HOME_TAGS, rng.int(0, 2)),
  };
}
