import { CompanyId } from './schedule-key';

// Strings (with escapes) or structural characters; numbers and literals are skipped over.
const TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|[[\]{},:]/g;
const INSIGNIFICANT = /("[^"\\]*(?:\\.[^"\\]*)*")|[ \t\n\r]+/g;

/**
 * The elements of the array under a top-level key of a JSON object, as raw text with only the
 * whitespace between tokens removed: number literals (165.0), escapes and key order stay as the
 * upstream wrote them. The text must already be valid JSON.
 */
export function rawArrayElements(json: string, key: string): string[] {
  const token = new RegExp(TOKEN.source, 'g');
  let depth = 0;
  let pendingKey: string | null = null;
  let currentKey: string | null = null;
  let inTarget = false;
  let elementStart = -1;
  let elements: string[] = [];
  for (let match = token.exec(json); match !== null; match = token.exec(json)) {
    const text = match[0];
    const at = match.index;
    if (text.startsWith('"')) {
      if (depth === 1) {
        pendingKey = text;
      }
      continue;
    }
    if (inTarget && depth === 2 && (text === ',' || text === ']')) {
      const element = json.slice(elementStart, at).trim();
      if (element !== '') {
        elements.push(compact(element));
      }
      elementStart = at + 1;
    }
    if (text === '[' || text === '{') {
      if (depth === 1 && text === '[' && currentKey === key) {
        inTarget = true;
        elements = [];
        elementStart = at + 1;
      }
      depth += 1;
    } else if (text === ']' || text === '}') {
      depth -= 1;
      if (depth === 1) {
        inTarget = false;
      }
    } else if (text === ':' && depth === 1 && pendingKey !== null) {
      currentKey = JSON.parse(pendingKey) as string;
      pendingKey = null;
    }
  }
  return elements;
}

function compact(element: string): string {
  return element.replace(INSIGNIFICANT, (_whole, quoted: string | undefined) => quoted ?? '');
}

export interface ScheduleDocument {
  readonly body: Buffer;
  readonly jobs: number;
}

/** The per-company document, byte for byte what the legacy endpoint answers for one company. */
export function scheduleDocument(rawJobs: readonly string[]): ScheduleDocument {
  const body = Buffer.from(
    `{"Result":[${rawJobs.join(',')}],"Message":"Successfully retrieved ${rawJobs.length} jobs","IsSuccess":true}`,
    'utf8',
  );
  return { body, jobs: rawJobs.length };
}

export const EMPTY_SCHEDULE: ScheduleDocument = scheduleDocument([]);

export const SCHEDULE_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Splits an all-companies answer into one document per company, jobs in upstream order.
 * `companyIds[i]` is the validated ServiceCompanyId of `Result[i]`.
 */
export function splitByCompany(
  json: string,
  companyIds: readonly CompanyId[],
): Map<CompanyId, ScheduleDocument> {
  const jobs = rawArrayElements(json, 'Result');
  if (jobs.length !== companyIds.length) {
    throw new Error(`Result has ${jobs.length} raw elements but ${companyIds.length} parsed jobs`);
  }
  const byCompany = new Map<CompanyId, string[]>();
  jobs.forEach((job, index) => {
    const companyId = companyIds[index];
    const list = byCompany.get(companyId);
    if (list) {
      list.push(job);
    } else {
      byCompany.set(companyId, [job]);
    }
  });
  return new Map([...byCompany].map(([companyId, list]) => [companyId, scheduleDocument(list)]));
}
