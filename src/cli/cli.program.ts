import { Command } from 'commander';
import { AdminApi, AdminApiSettings } from './admin-api.client';
import { CliContext } from './cli-context';
import { registerCycles } from './commands/cycles.command';
import { registerJobs } from './commands/jobs.command';
import { registerPregen } from './commands/pregen.command';
import { registerServeMode } from './commands/serve-mode.command';
import { registerToggles } from './commands/toggles.command';
import { registerUsers } from './commands/users.command';
import { CliError, ExitCode, failure } from './exit-codes';
import { Output } from './output.formatter';

export const DEFAULT_URL = 'http://localhost:3000';
const DEFAULT_TIMEOUT_MS = 10_000;

export interface CliDependencies {
  readonly api: () => AdminApi;
  /** One answer, without its trailing newline. */
  readonly write: (text: string) => void;
  /** Usage errors and the one-line reason of a failure. */
  readonly writeErr: (text: string) => void;
  readonly readFile: (path: string) => Promise<string>;
}

/** `schedule-cache` with every command group; errors are thrown, never exit the process. */
export function buildProgram(deps: CliDependencies): Command {
  const program = new Command('schedule-cache')
    .description('Operate a running schedule-cache through its admin API (docs/cli.md)')
    .option('--json', 'print the answer as JSON, for scripts')
    .exitOverride()
    .configureOutput({ writeOut: deps.write, writeErr: deps.writeErr })
    .showHelpAfterError(false);
  let api: AdminApi | undefined;
  const context: CliContext = {
    api: () => (api ??= deps.api()),
    output: (command) => new Output(Boolean(command.optsWithGlobals().json), deps.write),
    readFile: deps.readFile,
  };
  registerJobs(program, context);
  registerPregen(program, context);
  registerCycles(program, context);
  registerServeMode(program, context);
  registerToggles(program, context);
  registerUsers(program, context);
  return program;
}

/** Runs one command line (without node and the script); failures end as an exit code. */
export async function runCli(args: readonly string[], deps: CliDependencies): Promise<ExitCode> {
  try {
    await buildProgram(deps).parseAsync(args, { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    const { code, message } = failure(error);
    if (message !== undefined) {
      deps.writeErr(`schedule-cache: ${message}\n`);
    }
    return code;
  }
}

/** Where the service is and the admin credential, from the environment only. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): AdminApiSettings {
  const baseUrl = env.SCHEDULE_CACHE_URL || DEFAULT_URL;
  if (!URL.canParse(baseUrl)) {
    throw new CliError('SCHEDULE_CACHE_URL is not a URL', ExitCode.Usage);
  }
  const token = env.SCHEDULE_CACHE_TOKEN || env.ADMIN_API_TOKEN;
  if (!token) {
    throw new CliError(
      'no credential: set SCHEDULE_CACHE_TOKEN (an admin bearer token) or ADMIN_API_TOKEN',
      ExitCode.Unauthenticated,
    );
  }
  const timeout = env.SCHEDULE_CACHE_TIMEOUT_MS;
  if (timeout !== undefined && !/^[1-9]\d*$/.test(timeout)) {
    throw new CliError('SCHEDULE_CACHE_TIMEOUT_MS must be a whole number of ms', ExitCode.Usage);
  }
  return {
    baseUrl,
    token,
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(timeout),
  };
}
