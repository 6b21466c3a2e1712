import { Command } from 'commander';
import { CliContext } from '../cli-context';

/** `users sync`: copy the portal users directory now. */
export function registerUsers(program: Command, cli: CliContext): void {
  program
    .command('users')
    .description('the portal users directory')
    .command('sync')
    .description('copy the users directory from the legacy API now (one job)')
    .action(async (_options: object, command: Command) => {
      const queued = await cli.api().syncUsers();
      cli.output(command).show(queued, () => `Users sync queued as job ${queued.jobId}.`);
    });
}
