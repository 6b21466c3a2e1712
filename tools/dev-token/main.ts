import { DevTokenClaims, mintToken } from './mint';

const TTL_SECONDS = 12 * 3600;
const USAGE = `Usage (AUTH_JWT_SECRET in the environment):
  dev-token admin
  dev-token office <serviceCompanyId>
  dev-token technician <serviceCompanyId> <employeeInformationId>
  dev-token demo <upstreamBaseUrl> <serviceCompanyId> <date>
    prints shell assignments: COMPANY, EMPLOYEE and ADMIN_JWT, OFFICE_JWT, TECHNICIAN_JWT,
    with a technician assigned to a job of that company on that date (asked from the upstream)`;

class UsageError extends Error {}

function id(value: string | undefined, name: string): number {
  if (value === undefined || !/^[1-9]\d{0,9}$/.test(value)) {
    throw new UsageError(`${name} must be a positive integer`);
  }
  return Number(value);
}

interface Job {
  ServiceCompanyId?: unknown;
  EmployeeSchedules?: { EmployeeInformationId?: unknown }[] | null;
}

/** The first technician on a job of the company that day, from the legacy API itself. */
async function assignedEmployee(baseUrl: string, company: number, date: string): Promise<number> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/dr-schedule?startDate=${date}&endDate=${date}`;
  const token = process.env.UPSTREAM_API_TOKEN;
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) {
    throw new Error(`upstream answered ${response.status}`);
  }
  const jobs = ((await response.json()) as { Result?: Job[] | null }).Result ?? [];
  for (const job of jobs.filter((j) => j.ServiceCompanyId === company)) {
    const employee = job.EmployeeSchedules?.find(
      (s) => typeof s.EmployeeInformationId === 'number',
    );
    if (employee) {
      return employee.EmployeeInformationId as number;
    }
  }
  throw new Error(`no job of company ${company} on ${date} has a technician`);
}

async function demo(args: string[], secret: string): Promise<string> {
  const [baseUrl, companyArg, date] = args;
  if (!baseUrl || !date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new UsageError('demo needs <upstreamBaseUrl> <serviceCompanyId> <YYYY-MM-DD>');
  }
  const company = id(companyArg, 'serviceCompanyId');
  const employee = await assignedEmployee(baseUrl, company, date);
  const options = { ttlSeconds: TTL_SECONDS };
  const [admin, office, technician] = await Promise.all([
    mintToken(secret, { role: 'admin' }, options),
    mintToken(secret, { role: 'office', serviceCompanyId: company }, options),
    mintToken(
      secret,
      { role: 'technician', serviceCompanyId: company, employeeInformationId: employee },
      options,
    ),
  ]);
  return [
    `COMPANY=${company}`,
    `EMPLOYEE=${employee}`,
    `ADMIN_JWT=${admin}`,
    `OFFICE_JWT=${office}`,
    `TECHNICIAN_JWT=${technician}`,
  ].join('\n');
}

function claimsFrom([role, company, employee]: string[]): DevTokenClaims {
  if (role === 'admin') {
    return { role };
  }
  if (role === 'office') {
    return { role, serviceCompanyId: id(company, 'serviceCompanyId') };
  }
  if (role === 'technician') {
    return {
      role,
      serviceCompanyId: id(company, 'serviceCompanyId'),
      employeeInformationId: id(employee, 'employeeInformationId'),
    };
  }
  throw new UsageError(`unknown role ${JSON.stringify(role)}`);
}

async function main(args: string[]): Promise<string> {
  const secret = process.env.AUTH_JWT_SECRET ?? '';
  if (secret.length < 32) {
    throw new UsageError('AUTH_JWT_SECRET (at least 32 characters) must be set');
  }
  if (args[0] === 'demo') {
    return demo(args.slice(1), secret);
  }
  return mintToken(secret, claimsFrom(args), { ttlSeconds: TTL_SECONDS });
}

main(process.argv.slice(2)).then(
  (output) => console.log(output),
  (error: unknown) => {
    console.error(`dev-token: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) {
      console.error(USAGE);
    }
    process.exit(1);
  },
);
