import type { JsonObject } from './dotnet-json';
import { Random } from './prng';
import {
  asciiSlug,
  CITIES,
  FIRST_NAMES,
  LAST_NAMES,
  SERVICE_SETS,
  TEAM_COLORS,
} from './sample-text';

/** Job ids (see jobs.ts) stay within a .NET int up to this many companies. */
export const MAX_COMPANIES = 5000;
/** Every 8th company (index 0, 8, 16, ...) is big, once there are at least this many. */
const MIN_COMPANIES_FOR_BIG = 4;
const BIG_EVERY = 8;

export type UserRole = 'Admin' | 'Office' | 'Technician';

export interface Person {
  employeeId: number;
  firstName: string;
  lastName: string;
}

export interface Team {
  teamId: number;
  name: string;
  color: string;
}

export interface ServiceSet {
  id: number;
  name: string;
  type: string;
}

export interface Company {
  id: number;
  /** Position in the generated list; drives the id ranges of everything the company owns. */
  index: number;
  big: boolean;
  technicians: Person[];
  officeStaff: Person[];
  teams: Team[];
  serviceSets: ServiceSet[];
  cities: (typeof CITIES)[number][];
  customerPoolSize: number;
}

/** Spread-out, increasing company ids (e.g. 59, 137, 212); company k's id does not depend on the count. */
export function generateCompanyIds(seed: number, count: number): number[] {
  const rng = Random.fromKey(seed, 'company-ids');
  const ids: number[] = [];
  let id = rng.int(20, 99);
  for (let i = 0; i < count; i++) {
    ids.push(id);
    id += rng.int(17, 157);
  }
  return ids;
}

export function generateCompanies(seed: number, count: number): Company[] {
  return generateCompanyIds(seed, count).map((id, index) =>
    generateCompany(seed, id, index, count >= MIN_COMPANIES_FOR_BIG && index % BIG_EVERY === 0),
  );
}

function generateCompany(seed: number, id: number, index: number, big: boolean): Company {
  const rng = Random.fromKey(seed, 'company', id);
  const nextEmployeeId = employeeIdSequence(rng, 4000 + index * 1000);
  const technicians = people(rng, big ? rng.int(45, 70) : rng.int(4, 14), nextEmployeeId);
  const officeStaff = people(rng, big ? rng.int(4, 6) : rng.int(1, 2), nextEmployeeId);
  const teams = rng
    .sample(TEAM_COLORS, big ? rng.int(6, 10) : rng.int(0, 3))
    .map((team, t) => ({ teamId: 300 + index * 20 + t, name: team.name, color: team.color }));
  const residential = SERVICE_SETS.filter((set) => set.type === 'Residential');
  const commercial = SERVICE_SETS.filter((set) => set.type === 'Commercial');
  return {
    id,
    index,
    big,
    technicians,
    officeStaff,
    teams,
    serviceSets: [
      ...rng.sample(residential, rng.int(2, 5)),
      ...rng.sample(commercial, rng.int(1, 2)),
    ],
    cities: rng.sample(CITIES, rng.int(1, 2)),
    customerPoolSize: big ? rng.int(1500, 4000) : rng.int(60, 400),
  };
}

function employeeIdSequence(rng: Random, start: number): () => number {
  let current = start;
  return () => {
    current += rng.int(1, 9);
    return current;
  };
}

function people(rng: Random, count: number, nextId: () => number): Person[] {
  return Array.from({ length: count }, () => ({
    employeeId: nextId(),
    firstName: rng.pick(FIRST_NAMES),
    lastName: rng.pick(LAST_NAMES),
  }));
}

/** Portal users of one company: one Admin (no employee record), office staff, every technician. */
export function companyUsers(company: Company): JsonObject[] {
  const admin = { employeeId: null, firstName: 'Site', lastName: 'Admin' };
  const entries: { person: Person | typeof admin; role: UserRole }[] = [
    { person: admin, role: 'Admin' },
    ...company.officeStaff.map((person) => ({ person, role: 'Office' as const })),
    ...company.technicians.map((person) => ({ person, role: 'Technician' as const })),
  ];
  return entries.map(({ person, role }, i) => {
    const userId = 500_000 + company.index * 1000 + i;
    const local = `${asciiSlug(person.firstName)}.${asciiSlug(person.lastName)}.${userId}`;
    return {
      UserId: userId,
      Email: `${local}@company${company.id}.example.com`,
      FirstName: person.firstName,
      LastName: person.lastName,
      ServiceCompanyId: company.id,
      Role: role,
      EmployeeInformationId: person.employeeId,
    };
  });
}
