import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  BACKSLASH,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
} from './raw-json';
import { ScheduleDocument } from './schedule-document';
import { CompanyId, toCompanyId } from './schedule-key';

/** Why an answer is refused, in the order they are checked: the first that applies wins. */
export type SplitFailure = 'invalid-json' | 'not-success' | 'not-array-of-objects' | 'company';

export class ScheduleSplitError extends Error {
  constructor(
    readonly failure: SplitFailure,
    /** The index in `Result` of the first job without a valid company (failure `company`). */
    readonly index = -1,
  ) {
    super(`The answer is refused: ${failure}${index >= 0 ? ` at Result[${index}]` : ''}`);
  }
}

// What the next byte may be (outside strings, numbers and literals).
const VALUE = 0;
const VALUE_OR_CLOSE_ARRAY = 1;
const KEY_OR_CLOSE_OBJECT = 2;
const KEY = 3;
const COLON_NEXT = 4;
const AFTER_VALUE = 5;
const DONE = 6;
const STRING = 7;
const ESCAPE = 8;
const UNICODE = 9;
const NUMBER = 10;
const LITERAL = 11;

// Number grammar states; the terminal ones are ZERO, INT, FRACTION and EXPONENT.
const START = 8;
const MINUS = 0;
const ZERO = 1;
const INT = 2;
const DOT = 3;
const FRACTION = 4;
const E = 5;
const E_SIGN = 6;
const EXPONENT = 7;

// Which member a key names, where it matters.
const OTHER = 0;
const RESULT = 1;
const IS_SUCCESS = 2;
const COMPANY = 3;

const IN_OBJECT = 0;
const IN_ARRAY = 1;

const TRUE = Buffer.from('true');
const LITERALS = [TRUE, Buffer.from('false'), Buffer.from('null')];
const ESCAPES = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)));
const SLAB_BYTES = 4 * 1024 * 1024;
const PREFIX = Buffer.from('{"Result":[');
const RESULT_KEY = Buffer.from('Result');
const IS_SUCCESS_KEY = Buffer.from('IsSuccess');
const COMPANY_KEY = Buffer.from('ServiceCompanyId');

interface CompanyJobs {
  /** [slab, start, end] per job, in upstream order. */
  readonly ranges: number[];
  bytes: number;
}

/**
 * Splits the legacy all-companies answer per company while it streams in, byte by byte, without
 * building its object graph: each job of `Result` is kept as written (number literals, escapes,
 * key order, unknown fields; only whitespace between tokens removed) and routed by its
 * `ServiceCompanyId`. Validates as `JSON.parse` would (names compared decoded, the last of
 * duplicate members wins) and refuses what the whole-answer validation refuses, in its order.
 */
export class ScheduleSplitter {
  private mode = VALUE;
  private readonly stack: number[] = [];
  private numberState = START;
  private literal = TRUE;
  private literalAt = 0;
  private unicodeLeft = 0;

  /** The member name being read (only where it matters), and which member the value is of. */
  private keyBytes = Buffer.allocUnsafe(64);
  private keyLength = -1;
  private keyEscaped = false;
  private inKey = false;
  private member = OTHER;
  private topObject = false;
  private isSuccess = false;
  private resultOk = false;
  private resultOpen = false;
  private jobIndex = 0;
  private nonObjectAt = -1;
  private companyAt = -1;

  /** The job being read: where its bytes go in the current slab, and its company literal. */
  private inJob = false;
  private jobStart = 0;
  private runStart = 0;
  private companyLiteral: string | null = null;
  private companyMember = false;

  private slabs: Buffer[] = [];
  private slab = Buffer.allocUnsafeSlow(0);
  private slabUsed = 0;
  private companies = new Map<CompanyId, CompanyJobs>();

  /** Reads the next bytes; throws ScheduleSplitError('invalid-json') as soon as they cannot be JSON. */
  write(bytes: Uint8Array): void {
    const chunk = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const n = chunk.length;
    this.runStart = 0;
    for (let i = 0; i < n; i++) {
      let c = chunk[i];
      switch (this.mode) {
        case STRING: {
          const key = this.keyLength >= 0;
          while (c !== QUOTE && c !== BACKSLASH && c >= 0x20) {
            if (key) {
              this.keyByte(c);
            }
            if (++i === n) {
              break;
            }
            c = chunk[i];
          }
          if (i === n) {
            continue;
          }
          if (c < 0x20) {
            this.invalid();
          }
          if (c === BACKSLASH) {
            if (key) {
              this.keyByte(c);
              this.keyEscaped = true;
            }
            this.mode = ESCAPE;
          } else if (this.inKey) {
            this.endKey();
          } else {
            this.endValue();
          }
          continue;
        }
        case ESCAPE:
          if (!ESCAPES.has(c)) {
            this.invalid();
          }
          if (this.keyLength >= 0) {
            this.keyByte(c);
          }
          this.unicodeLeft = c === 0x75 ? 4 : 0;
          this.mode = this.unicodeLeft > 0 ? UNICODE : STRING;
          continue;
        case UNICODE:
          if (!isHex(c)) {
            this.invalid();
          }
          if (this.keyLength >= 0) {
            this.keyByte(c);
          }
          if (--this.unicodeLeft === 0) {
            this.mode = STRING;
          }
          continue;
        case NUMBER:
          if (this.numberByte(c)) {
            if (this.companyMember) {
              this.companyLiteral = (this.companyLiteral ?? '') + String.fromCharCode(c);
            }
            continue;
          }
          if (!isTerminal(this.numberState)) {
            this.invalid();
          }
          this.endValue();
          break; // `c` is not part of the number: read it as what follows a value.
        case LITERAL:
          if (c !== this.literal[this.literalAt]) {
            this.invalid();
          }
          if (++this.literalAt === this.literal.length) {
            if (this.literal === TRUE && this.member === IS_SUCCESS && this.stack.length === 1) {
              this.isSuccess = true;
            }
            this.endValue();
          }
          continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        if (this.inJob) {
          this.keep(chunk, this.runStart, i);
          this.runStart = i + 1;
        }
        continue;
      }
      switch (this.mode) {
        case VALUE_OR_CLOSE_ARRAY:
        case VALUE:
          if (c === CLOSE_ARRAY && this.mode === VALUE_OR_CLOSE_ARRAY) {
            this.close(chunk, i);
          } else {
            this.startValue(i, c);
          }
          break;
        case KEY_OR_CLOSE_OBJECT:
        case KEY:
          if (c === CLOSE_OBJECT && this.mode === KEY_OR_CLOSE_OBJECT) {
            this.close(chunk, i);
          } else if (c === QUOTE) {
            this.startKey();
          } else {
            this.invalid();
          }
          break;
        case COLON_NEXT:
          if (c !== COLON) {
            this.invalid();
          }
          this.mode = VALUE;
          break;
        case AFTER_VALUE: {
          const inside = this.stack[this.stack.length - 1];
          if (c === COMMA) {
            this.mode = inside === IN_OBJECT ? KEY : VALUE;
          } else if (c === (inside === IN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
            this.close(chunk, i);
          } else {
            this.invalid();
          }
          break;
        }
        default:
          this.invalid();
      }
    }
    if (this.inJob) {
      this.keep(chunk, this.runStart, n);
    }
  }

  /** The documents per company, in order of each company's first job; throws what the answer fails. */
  end(): Map<CompanyId, ScheduleDocument> {
    if (this.mode === NUMBER && this.stack.length === 0 && isTerminal(this.numberState)) {
      this.mode = DONE;
    }
    if (this.mode !== DONE) {
      this.invalid();
    }
    if (!this.topObject || !this.isSuccess) {
      throw new ScheduleSplitError('not-success');
    }
    if (!this.resultOk || this.nonObjectAt >= 0) {
      throw new ScheduleSplitError('not-array-of-objects');
    }
    if (this.companyAt >= 0) {
      throw new ScheduleSplitError('company', this.companyAt);
    }
    const documents = new Map<CompanyId, ScheduleDocument>();
    for (const [companyId, jobs] of this.companies) {
      documents.set(companyId, this.document(jobs));
    }
    this.slabs = [];
    this.companies = new Map();
    return documents;
  }

  private document({ ranges, bytes }: CompanyJobs): ScheduleDocument {
    const count = ranges.length / 3;
    const suffix = Buffer.from(
      `],"Message":"Successfully retrieved ${count} jobs","IsSuccess":true}`,
      'latin1',
    );
    // Memory of its own per document, so it can be transferred between threads alone.
    const body = Buffer.allocUnsafeSlow(PREFIX.length + bytes + count - 1 + suffix.length);
    let at = PREFIX.copy(body, 0);
    for (let r = 0; r < ranges.length; r += 3) {
      if (r > 0) {
        body[at++] = COMMA;
      }
      at += this.slabs[ranges[r]].copy(body, at, ranges[r + 1], ranges[r + 2]);
    }
    suffix.copy(body, at);
    // Invalid UTF-8 inside strings reads as U+FFFD, as decoding the whole answer as text would.
    const utf8 = isUtf8(body) ? body : Buffer.from(body.toString('utf8'), 'utf8');
    return { body: utf8, jobs: count, sha256: createHash('sha256').update(utf8).digest('hex') };
  }

  private startValue(i: number, c: number): void {
    const depth = this.stack.length;
    if (depth === 0) {
      this.topObject = c === OPEN_OBJECT;
    } else if (depth === 1 && this.member === IS_SUCCESS) {
      this.isSuccess = false; // true again only if the value is `true`
    } else if (depth === 1 && this.member === RESULT) {
      this.startResult(c === OPEN_ARRAY);
    } else if (depth === 2 && this.resultOpen) {
      if (c === OPEN_OBJECT) {
        this.startJob(i);
      } else if (this.nonObjectAt < 0) {
        this.nonObjectAt = this.jobIndex;
      }
      this.jobIndex += 1;
    } else if (depth === 3 && this.inJob && this.member === COMPANY) {
      this.companyLiteral = null;
      this.companyMember = c === 0x2d || (c >= 0x30 && c <= 0x39);
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      this.resultOpen ||= depth === 1 && this.member === RESULT && c === OPEN_ARRAY;
      this.stack.push(c === OPEN_OBJECT ? IN_OBJECT : IN_ARRAY);
      this.mode = c === OPEN_OBJECT ? KEY_OR_CLOSE_OBJECT : VALUE_OR_CLOSE_ARRAY;
    } else if (c === QUOTE) {
      this.keyLength = -1;
      this.inKey = false;
      this.mode = STRING;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.numberState = START;
      this.numberByte(c);
      this.mode = NUMBER;
      if (this.companyMember) {
        this.companyLiteral = String.fromCharCode(c);
      }
    } else {
      const literal = LITERALS.find((word) => word[0] === c);
      if (!literal) {
        this.invalid();
      }
      this.literal = literal;
      this.literalAt = 1;
      this.mode = LITERAL;
    }
  }

  private endValue(): void {
    this.companyMember = false;
    this.mode = this.stack.length === 0 ? DONE : AFTER_VALUE;
  }

  /** The object or array on top of the stack closes at chunk[i]. */
  private close(chunk: Buffer, i: number): void {
    this.stack.pop();
    const depth = this.stack.length;
    if (depth === 2 && this.inJob) {
      this.keep(chunk, this.runStart, i + 1);
      this.endJob();
    } else if (depth === 1) {
      this.resultOpen = false;
    }
    this.mode = depth === 0 ? DONE : AFTER_VALUE;
  }

  private startKey(): void {
    const depth = this.stack.length;
    const tracked = depth === 1 || (depth === 3 && this.inJob);
    this.keyLength = tracked ? 0 : -1;
    this.keyEscaped = false;
    this.inKey = true;
    this.mode = STRING;
  }

  private keyByte(c: number): void {
    if (this.keyLength === this.keyBytes.length) {
      const larger = Buffer.allocUnsafe(this.keyBytes.length * 2);
      this.keyBytes.copy(larger);
      this.keyBytes = larger;
    }
    this.keyBytes[this.keyLength++] = c;
  }

  /** The closing quote of a member name: `keyBytes` holds it if it matters. */
  private endKey(): void {
    this.mode = COLON_NEXT;
    if (this.keyLength < 0) {
      return;
    }
    if (this.stack.length === 1) {
      this.member = this.keyIs(RESULT_KEY)
        ? RESULT
        : this.keyIs(IS_SUCCESS_KEY)
          ? IS_SUCCESS
          : OTHER;
    } else {
      this.member = this.keyIs(COMPANY_KEY) ? COMPANY : OTHER;
    }
    this.keyLength = -1;
  }

  /** Whether the member name read is `name`: compared as bytes, decoded only if escaped. */
  private keyIs(name: Buffer): boolean {
    if (this.keyEscaped) {
      const raw = this.keyBytes.toString('utf8', 0, this.keyLength);
      return (JSON.parse(`"${raw}"`) as string) === name.toString('latin1');
    }
    if (this.keyLength !== name.length) {
      return false;
    }
    for (let i = 0; i < name.length; i++) {
      if (this.keyBytes[i] !== name[i]) {
        return false;
      }
    }
    return true;
  }

  /** A `Result` member: the last one counts, as with `JSON.parse`. */
  private startResult(isArray: boolean): void {
    this.resultOk = isArray;
    this.jobIndex = 0;
    this.nonObjectAt = -1;
    this.companyAt = -1;
    this.slabs = [];
    this.slab = Buffer.allocUnsafeSlow(0);
    this.slabUsed = 0;
    this.companies = new Map();
  }

  private startJob(i: number): void {
    this.inJob = true;
    this.runStart = i;
    this.jobStart = this.slabUsed;
    this.companyLiteral = null;
  }

  /** Appends chunk[start, end) to the current job's bytes. */
  private keep(chunk: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length <= 0) {
      return;
    }
    if (this.slabUsed + length > this.slab.length) {
      // The job moves to a new slab whole: a job's bytes stay contiguous.
      const partial = this.slabUsed - this.jobStart;
      const next = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, 2 * (partial + length)));
      this.slab.copy(next, 0, this.jobStart, this.slabUsed);
      this.slab = next;
      this.slabs.push(next);
      this.jobStart = 0;
      this.slabUsed = partial;
    }
    chunk.copy(this.slab, this.slabUsed, start, end);
    this.slabUsed += length;
  }

  private endJob(): void {
    this.inJob = false;
    const index = this.jobIndex - 1;
    const id = this.companyLiteral === null ? null : toCompanyId(Number(this.companyLiteral));
    if (id === null) {
      if (this.companyAt < 0) {
        this.companyAt = index;
      }
      this.slabUsed = this.jobStart;
      return;
    }
    let jobs = this.companies.get(id);
    if (!jobs) {
      jobs = { ranges: [], bytes: 0 };
      this.companies.set(id, jobs);
    }
    jobs.ranges.push(this.slabs.length - 1, this.jobStart, this.slabUsed);
    jobs.bytes += this.slabUsed - this.jobStart;
  }

  /** Advances the number grammar by `c`; false, leaving the state as it was, when `c` ends it. */
  private numberByte(c: number): boolean {
    const digit = c >= 0x30 && c <= 0x39;
    const state = this.numberState;
    let next = -1;
    if (state === START) {
      next = c === 0x2d ? MINUS : c === 0x30 ? ZERO : digit ? INT : -1;
    } else if (state === MINUS) {
      next = c === 0x30 ? ZERO : digit ? INT : -1;
    } else if (digit && state !== ZERO) {
      next = state === DOT ? FRACTION : state === E || state === E_SIGN ? EXPONENT : state;
    } else if (c === 0x2e && (state === ZERO || state === INT)) {
      next = DOT;
    } else if (
      (c === 0x65 || c === 0x45) &&
      (state === ZERO || state === INT || state === FRACTION)
    ) {
      next = E;
    } else if ((c === 0x2b || c === 0x2d) && state === E) {
      next = E_SIGN;
    }
    if (next < 0) {
      return false;
    }
    this.numberState = next;
    return true;
  }

  private invalid(): never {
    this.mode = -1;
    throw new ScheduleSplitError('invalid-json');
  }
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isTerminal(state: number): boolean {
  return state === ZERO || state === INT || state === FRACTION || state === EXPONENT;
}

/** The split of an answer already whole. */
export function splitAnswer(answer: Uint8Array): Map<CompanyId, ScheduleDocument> {
  const splitter = new ScheduleSplitter();
  splitter.write(answer);
  return splitter.end();
}
