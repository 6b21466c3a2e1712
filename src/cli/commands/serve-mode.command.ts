import { Argument, Command } from 'commander';
import { SERVE_MODES, ServeMode, ServeModeState } from '../admin-api.client';
import { CliContext } from '../cli-context';
import { details } from '../output.formatter';

/** `serve-mode get | set cache|upstream`: the rollback switch to the legacy API. */
export function registerServeMode(program: Command, cli: CliContext): void {
  const serveMode = program
    .command('serve-mode')
    .description('where reads are answered from: cache, or upstream (the legacy API only)');

  serveMode
    .command('get')
    .description('the mode in force')
    .action(async (_options: object, command: Command) => {
      show(cli, command, await cli.api().serveMode());
    });

  serveMode
    .command('set')
    .description('switch every replica to a mode')
    .addArgument(new Argument('<mode>').choices(SERVE_MODES))
    .action(async (mode: ServeMode, _options: object, command: Command) => {
      show(cli, command, await cli.api().setServeMode(mode));
    });
}

function show(cli: CliContext, command: Command, state: ServeModeState): void {
  cli.output(command).show(state, () =>
    details([
      ['mode', state.mode],
      ['updated by', state.updatedBy],
      ['updated at', state.updatedAt],
    ]),
  );
}
