import { Command } from 'commander';
import { PregenSchedule } from '../admin-api.client';
import { CliContext } from '../cli-context';
import { details, table } from '../output.formatter';

/** `pregen run | pause | resume | status`: manual cycles and the recurring cycle's switch. */
export function registerPregen(program: Command, cli: CliContext): void {
  const pregen = program.command('pregen').description('pre-generation cycles');

  pregen
    .command('run')
    .description('queue a cycle now: the whole window, or the given dates')
    .option('--date <dates...>', 'a date as YYYY-MM-DD; repeat for more')
    .action(async (options: { date?: string[] }, command: Command) => {
      const cycle = await cli.api().runPregen(options.date);
      cli.output(command).show(
        cycle,
        () =>
          `Cycle ${cycle.cycleId}: ${cycle.jobs.length} job(s) queued.\n` +
          table(
            ['ID', 'DATE'],
            cycle.jobs.map((job) => [job.id, job.date]),
          ),
      );
    });

  pregen
    .command('pause')
    .description('stop the recurring cycle on every replica (manual runs still work)')
    .option('--reason <text>', 'why, for the other operators')
    .action(async (options: { reason?: string }, command: Command) => {
      const change = { paused: true, ...(options.reason === undefined ? {} : options) };
      showSchedule(cli, command, await cli.api().setPregenSchedule(change));
    });

  pregen
    .command('resume')
    .description('start the recurring cycle again')
    .action(async (_options: object, command: Command) => {
      showSchedule(cli, command, await cli.api().setPregenSchedule({ paused: false }));
    });

  pregen
    .command('status')
    .description('whether the recurring cycle is paused, by whom and why')
    .action(async (_options: object, command: Command) => {
      showSchedule(cli, command, await cli.api().pregenSchedule());
    });
}

function showSchedule(cli: CliContext, command: Command, schedule: PregenSchedule): void {
  cli.output(command).show(schedule, () =>
    details([
      ['recurring cycle', schedule.paused ? 'paused' : 'running'],
      ['reason', schedule.reason],
      ['updated by', schedule.updatedBy],
      ['updated at', schedule.updatedAt],
    ]),
  );
}
