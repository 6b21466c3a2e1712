import { generateCompanies, MAX_COMPANIES } from './companies';
import { companyJobs, JOB_ID_DAY_CYCLE, MAX_JOBS_PER_COMPANY } from './jobs';
import { createUpstreamSim } from './upstream-sim';

const INT32_MAX = 2 ** 31 - 1;
const DAY_MS = 86_400_000;

/** The date whose job-id day slot is `slot` (days since 2020-01-01, the calendar's epoch). */
function dateOfSlot(slot: number): string {
  return new Date(Date.UTC(2020, 0, 1) + slot * DAY_MS).toISOString().slice(0, 10);
}

function jobIds(date: string, companyIndex: number): number[] {
  const company = generateCompanies(1, MAX_COMPANIES)[companyIndex];
  return companyJobs(1, company, date, true).map((job) => Number(job.JobInformationId));
}

describe('job ids', () => {
  it('should stay within a .NET int for the last company on the last day of the cycle', () => {
    const ids = jobIds(dateOfSlot(JOB_ID_DAY_CYCLE - 1), MAX_COMPANIES - 1);

    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThanOrEqual(MAX_JOBS_PER_COMPANY);
    expect(Math.max(...ids)).toBeLessThanOrEqual(INT32_MAX);
  });

  it('should not overlap between the last company of a day and the first of the next', () => {
    const slot = 1234;
    const last = jobIds(dateOfSlot(slot), MAX_COMPANIES - 1);
    const next = jobIds(dateOfSlot(slot + 1), 0);

    expect(Math.max(...last)).toBeLessThan(Math.min(...next));
  });
});

describe('company count', () => {
  it(`should accept up to ${MAX_COMPANIES} companies and refuse more`, async () => {
    const sim = await createUpstreamSim({
      companies: MAX_COMPANIES,
      latencyMs: { min: 0, max: 0 },
    });
    try {
      expect(sim.companyIds()).toHaveLength(MAX_COMPANIES);
      expect(new Set(sim.companyIds()).size).toBe(MAX_COMPANIES);
    } finally {
      await sim.close();
    }
    await expect(createUpstreamSim({ companies: MAX_COMPANIES + 1 })).rejects.toThrow(RangeError);
  });
});
