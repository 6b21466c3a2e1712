import { Command, InvalidArgumentError } from 'commander';
import { AdminApi } from './admin-api.client';
import { Output } from './output.formatter';

/** What every command group needs: the admin API, where answers go, and files to read. */
export interface CliContext {
  /** Made on first use, so `--help` needs no credential. */
  api(): AdminApi;
  output(command: Command): Output;
  readFile(path: string): Promise<string>;
}

/** Commander's parser of a count option: a whole number of at least 1. */
export function positiveInt(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) {
    throw new InvalidArgumentError('not a whole number of at least 1.');
  }
  return Number(value);
}

/** Up to `max` characters of the first line: table cells stay one line. */
export function firstLine(value: string | null | undefined, max = 60): string | null {
  if (!value) {
    return null;
  }
  const line = value.split('\n', 1)[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
