import { companyUsers, generateCompanies, type Company } from './companies';
import { serializeJson, type JsonObject } from './dotnet-json';
import { companyJobs } from './jobs';

/** One generated job, kept as its exact JSON text (money literals included). */
export interface JobEntry {
  /** Start time then job id: the order the API's query returns jobs in. */
  sortKey: string;
  text: string;
}

/** Generating a date takes tens of ms, so recent (date, company) results are kept. */
const CACHED_DATES = 16;

/** The whole simulated database: companies, their users, and their jobs per date. */
export class ScheduleDataset {
  readonly companies: readonly Company[];
  private readonly cache = new Map<string, JobEntry[]>();
  /**
   * Encoded answers for every company of a date, valid for one cancellation revision. With
   * 1,000 companies a date is ~70 MB: joining and encoding it again would take ~0.4 s of the
   * sim's event loop per call, on top of the simulated latency.
   */
  private readonly bodies = new Map<string, Buffer>();
  private bodiesRevision = 0;

  constructor(
    private readonly seed: number,
    companyCount: number,
  ) {
    this.companies = generateCompanies(seed, companyCount);
  }

  company(id: number): Company | undefined {
    return this.companies.find((company) => company.id === id);
  }

  /**
   * Jobs of the date across companies (or of one company), ordered by start time as the
   * API's query does, so companies are interleaved.
   */
  jobs(
    date: string,
    companyId: number | undefined,
    isCancelled: (companyId: number, date: string) => boolean,
    entriesOf: (company: Company, date: string) => JobEntry[] = (company, day) =>
      this.companyEntries(company, day),
  ): JobEntry[] {
    return this.companies
      .filter((company) => companyId === undefined || company.id === companyId)
      .filter((company) => !isCancelled(company.id, date))
      .flatMap((company) => entriesOf(company, date))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  }

  /**
   * The API's answer for every company of the date, encoded. `revision` identifies the
   * current cancellations (see SimState.cancellationRevision).
   */
  allCompaniesBody(
    date: string,
    revision: number,
    isCancelled: (companyId: number, date: string) => boolean,
  ): Buffer {
    if (revision !== this.bodiesRevision) {
      this.bodies.clear();
      this.bodiesRevision = revision;
    }
    const cached = this.bodies.get(date);
    if (cached) {
      return cached;
    }
    // Not through the per-company cache: the body is cached, and 5,000 companies' entries of
    // several dates would outgrow the heap (~1 GB per date).
    const entries = this.jobs(date, undefined, isCancelled, (company, day) =>
      this.generateEntries(company, day),
    );
    const body = Buffer.from(scheduleEnvelope(entries.map((job) => job.text)));
    this.bodies.set(date, body);
    if (this.bodies.size > CACHED_DATES) {
      this.bodies.delete(this.bodies.keys().next().value as string);
    }
    return body;
  }

  /** A job that exists whatever the date, for fault modes that need at least one. */
  anyJob(date: string): JobEntry {
    return toEntry(companyJobs(this.seed, this.companies[0], date, true)[0]);
  }

  users(): JsonObject[] {
    return this.companies.flatMap(companyUsers);
  }

  private companyEntries(company: Company, date: string): JobEntry[] {
    const key = `${date}|${company.id}`;
    const cached = this.cache.get(key);
    if (cached) {
      return cached;
    }
    const entries = this.generateEntries(company, date);
    this.cache.set(key, entries);
    if (this.cache.size > CACHED_DATES * this.companies.length) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
    return entries;
  }

  private generateEntries(company: Company, date: string): JobEntry[] {
    return companyJobs(this.seed, company, date).map(toEntry);
  }
}

function toEntry(job: JsonObject): JobEntry {
  const start = typeof job.ScheduledStartTime === 'string' ? job.ScheduledStartTime : '';
  const id = typeof job.JobInformationId === 'number' ? job.JobInformationId : 0;
  return {
    sortKey: `${start}#${String(id).padStart(12, '0')}`,
    text: serializeJson(job),
  };
}

/** The API's envelope around already-serialized jobs. */
export function scheduleEnvelope(texts: readonly string[], count = texts.length): string {
  return `{"Result":[${texts.join(',')}],"Message":"Successfully retrieved ${count} jobs","IsSuccess":true}`;
}
