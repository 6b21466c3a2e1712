/** Character-code tools for editing valid JSON text without re-serializing the values it keeps. */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;

/** Index of the quote closing the string that opens at `start`. */
export function endOfString(json: string, start: number): number {
  for (let end = json.indexOf('"', start + 1); end !== -1; end = json.indexOf('"', end + 1)) {
    let backslashes = 0;
    while (json.charCodeAt(end - 1 - backslashes) === BACKSLASH) {
      backslashes += 1;
    }
    if (backslashes % 2 === 0) {
      return end;
    }
  }
  throw new Error('Unterminated string in JSON text');
}

/** Member names (objects) and item indexes (arrays) from the root down to one value. */
export type JsonPath = readonly (string | number)[];

/** Children to descend into; `null` marks a value to remove. */
type PathTree = Map<string | number, PathTree | null>;

/**
 * `json` without the values at `paths`: object members disappear with their names, array items
 * with their slot. Everything kept is copied as written (number literals, escapes, key order);
 * names are compared decoded, as `JSON.parse` reads them. A path through a value that is not an
 * object or array (null, a string, a missing member) removes nothing. The text must be valid JSON.
 */
export function removeJsonPaths(json: string, paths: readonly JsonPath[]): string {
  if (paths.length === 0) {
    return json;
  }
  const start = skipWhitespace(json, 0);
  return edit(json, start, endOfValue(json, start), pathTree(paths));
}

function pathTree(paths: readonly JsonPath[]): PathTree {
  const root: PathTree = new Map();
  for (const path of paths) {
    let node: PathTree | null | undefined = root;
    for (const step of path.slice(0, -1)) {
      let child: PathTree | null | undefined = node.get(step);
      if (child === undefined) {
        child = new Map();
        node.set(step, child);
      }
      node = child;
      if (node === null) {
        break;
      }
    }
    // A removed ancestor already removes this path.
    node?.set(path[path.length - 1], null);
  }
  return root;
}

/** The value spanning [start, end) with the members and items named by `tree` removed. */
function edit(json: string, start: number, end: number, tree: PathTree): string {
  const open = json.charCodeAt(start);
  if (open !== OPEN_OBJECT && open !== OPEN_ARRAY) {
    return json.slice(start, end);
  }
  const isObject = open === OPEN_OBJECT;
  const kept: string[] = [];
  let index = 0;
  let i = skipWhitespace(json, start + 1);
  while (i < end - 1) {
    const entryStart = i;
    let step: string | number = index;
    if (isObject) {
      const nameEnd = endOfString(json, i);
      step = memberName(json, i, nameEnd);
      i = skipWhitespace(json, skipWhitespace(json, nameEnd + 1) + 1);
    }
    const valueEnd = endOfValue(json, i);
    const child = tree.get(step);
    if (child === undefined) {
      kept.push(json.slice(entryStart, valueEnd));
    } else if (child !== null) {
      kept.push(json.slice(entryStart, i) + edit(json, i, valueEnd, child));
    }
    index += 1;
    i = skipWhitespace(json, valueEnd);
    if (json.charCodeAt(i) === COMMA) {
      i = skipWhitespace(json, i + 1);
    }
  }
  return `${isObject ? '{' : '['}${kept.join(',')}${isObject ? '}' : ']'}`;
}

function memberName(json: string, open: number, close: number): string {
  const raw = json.slice(open + 1, close);
  return raw.includes('\\') ? (JSON.parse(json.slice(open, close + 1)) as string) : raw;
}

/** Index just past the value that starts at `start`. */
function endOfValue(json: string, start: number): number {
  const code = json.charCodeAt(start);
  if (code === QUOTE) {
    return endOfString(json, start) + 1;
  }
  if (code !== OPEN_OBJECT && code !== OPEN_ARRAY) {
    let i = start;
    while (i < json.length && !endsLiteral(json.charCodeAt(i))) {
      i += 1;
    }
    return i;
  }
  let depth = 0;
  for (let i = start; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(json, i);
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
    } else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && --depth === 0) {
      return i + 1;
    }
  }
  throw new Error('Unterminated object or array in JSON text');
}

function endsLiteral(code: number): boolean {
  return code === COMMA || code === CLOSE_OBJECT || code === CLOSE_ARRAY || isWhitespace(code);
}

export function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipWhitespace(json: string, start: number): number {
  let i = start;
  while (isWhitespace(json.charCodeAt(i))) {
    i += 1;
  }
  return i;
}
