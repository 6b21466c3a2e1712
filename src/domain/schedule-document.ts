import {
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  endOfString,
  isWhitespace,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
} from './raw-json';

const INSIGNIFICANT = /("[^"\\]*(?:\\.[^"\\]*)*")|[ \t\n\r]+/g;

/**
 * The elements of the array under a top-level key of a JSON object, as raw text with only the
 * whitespace between tokens removed: number literals (165.0), escapes and key order stay as the
 * upstream wrote them. The text must already be valid JSON. One pass over character codes:
 * this runs on every refresh over answers of tens of megabytes.
 */
export function rawArrayElements(json: string, key: string): string[] {
  let depth = 0;
  let pendingKey: string | null = null;
  let currentKey: string | null = null;
  let inTarget = false;
  let elementStart = -1;
  let hasWhitespace = false;
  let elements: string[] = [];
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code === QUOTE) {
      const end = endOfString(json, i);
      if (depth === 1) {
        pendingKey = json.slice(i, end + 1);
      }
      i = end;
      continue;
    }
    if (isWhitespace(code)) {
      hasWhitespace ||= inTarget;
      continue;
    }
    if (inTarget && depth === 2 && (code === COMMA || code === CLOSE_ARRAY)) {
      const element = json.slice(elementStart, i);
      const compact = hasWhitespace ? element.trim().replace(INSIGNIFICANT, keepStrings) : element;
      if (compact !== '') {
        elements.push(compact);
      }
      elementStart = i + 1;
      hasWhitespace = false;
    }
    if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      if (depth === 1 && code === OPEN_ARRAY && currentKey === key) {
        inTarget = true;
        elements = [];
        elementStart = i + 1;
        hasWhitespace = false;
      }
      depth += 1;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      depth -= 1;
      if (depth === 1) {
        inTarget = false;
      }
    } else if (code === COLON && depth === 1 && pendingKey !== null) {
      currentKey = JSON.parse(pendingKey) as string;
      pendingKey = null;
    }
  }
  return elements;
}

function keepStrings(_whole: string, quoted: string | undefined): string {
  return quoted ?? '';
}

export interface ScheduleDocument {
  readonly body: Buffer;
  readonly jobs: number;
  /** Hex sha256 of `body`, when whoever built the document already computed it. */
  readonly sha256?: string;
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
