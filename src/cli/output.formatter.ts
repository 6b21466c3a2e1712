import Table from 'cli-table3';

export type Cell = string | number | boolean | null | undefined;

/** Where a command's answer goes: JSON for scripts (`--json`), text and tables for people. */
export class Output {
  constructor(
    private readonly json: boolean,
    private readonly write: (text: string) => void,
  ) {}

  /** The answer as the service sent it with `--json`, else what `human` renders of it. */
  show(answer: unknown, human: () => string): void {
    this.write(this.json ? JSON.stringify(answer, null, 2) : human());
  }
}

// No colours: the output is read in pipes and logs as often as on a terminal.
const PLAIN = { style: { head: [], border: [] } };

/** Rows under a header line. */
export function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const rendered = new Table({ ...PLAIN, head: [...head] });
  rendered.push(...rows.map((row) => row.map(text)));
  return rendered.toString();
}

/** One record as name/value lines. */
export function details(fields: readonly (readonly [string, Cell])[]): string {
  const rendered = new Table(PLAIN);
  rendered.push(...fields.map(([name, value]) => ({ [name]: text(value) })));
  return rendered.toString();
}

function text(value: Cell): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}
