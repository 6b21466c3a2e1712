/**
 * A .NET `decimal` value. It serializes with its scale kept (`165.0`, `20.50`), which
 * JSON.stringify cannot produce for a number.
 */
export class Money {
  readonly literal: string;

  constructor(cents: number, scale: 1 | 2) {
    if (!Number.isSafeInteger(cents) || cents < 0) {
      throw new RangeError(`Money cents must be a non-negative integer, got ${cents}`);
    }
    const whole = Math.floor(cents / 100);
    const fraction = String(cents % 100).padStart(2, '0');
    // Scale 1 is only exact when the second decimal is 0.
    const digits = scale === 1 && fraction.endsWith('0') ? fraction.slice(0, 1) : fraction;
    this.literal = `${whole}.${digits}`;
  }

  toJSON(): string {
    return `${MONEY_MARK}${this.literal}${MONEY_MARK}`;
  }
}

export type JsonValue = string | number | boolean | null | Money | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

const MONEY_MARK = '\u0001money\u0001';
// JSON.stringify escapes U+0001 as \u0001, so this is how the placeholder appears in its output.
const MONEY_PLACEHOLDER = /"\\u0001money\\u0001(\d+\.\d+)\\u0001money\\u0001"/g;

/** Compact JSON (like .NET's default writer) with Money values written as raw decimal literals. */
export function serializeJson(value: JsonValue): string {
  return JSON.stringify(value).replace(MONEY_PLACEHOLDER, '$1');
}
