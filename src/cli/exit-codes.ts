import { CommanderError } from 'commander';
import { AdminApiError, UnreachableError } from './admin-api.client';

/** Exit codes of `schedule-cache`, one per kind of failure (docs/cli.md lists them). */
export enum ExitCode {
  Ok = 0,
  /** Anything else: a 5xx other than 503, an answer that is not JSON. */
  Failed = 1,
  /** Bad command line or input file; nothing was sent. */
  Usage = 2,
  Unreachable = 3,
  /** No credential in the environment, or the service refused it (401). */
  Unauthenticated = 4,
  /** 403: the credential is not an admin's. */
  Forbidden = 5,
  NotFound = 6,
  /** 409: e.g. retrying a job that did not fail. */
  Conflict = 7,
  /** 503: a dependency of the service is down; the message carries Retry-After. */
  Unavailable = 8,
  /** 400: the service refused the request's values. */
  Refused = 9,
}

/** A mistake found before anything is sent: bad input file, missing credential. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode,
  ) {
    super(message);
  }
}

const BY_STATUS: Record<number, ExitCode> = {
  400: ExitCode.Refused,
  401: ExitCode.Unauthenticated,
  403: ExitCode.Forbidden,
  404: ExitCode.NotFound,
  409: ExitCode.Conflict,
  503: ExitCode.Unavailable,
};

/** How a failed command ends: its exit code and the one line for stderr (none: already said). */
export function failure(error: unknown): { code: ExitCode; message?: string } {
  if (error instanceof CommanderError) {
    // Commander has printed its usage error or the help already.
    return { code: error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage };
  }
  if (error instanceof CliError) {
    return { code: error.code, message: error.message };
  }
  if (error instanceof UnreachableError) {
    return { code: ExitCode.Unreachable, message: error.message };
  }
  if (error instanceof AdminApiError) {
    const retry = error.retryAfterS === undefined ? '' : ` (retry after ${error.retryAfterS} s)`;
    return { code: BY_STATUS[error.status] ?? ExitCode.Failed, message: error.message + retry };
  }
  return { code: ExitCode.Failed, message: error instanceof Error ? error.message : String(error) };
}
