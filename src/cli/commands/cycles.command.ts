import { Command } from 'commander';
import { CliContext, positiveInt } from '../cli-context';
import { table } from '../output.formatter';

const CYCLE_HEAD = [
  'ID',
  'TRIGGER',
  'ACTOR',
  'STARTED',
  'FINISHED',
  'DATES',
  'GENERATED',
  'UNCHANGED',
  'EMPTIED',
  'FAILED',
  'UPSTREAM S',
];

/** `cycles [--limit N]`: what the last pre-generation cycles did. */
export function registerCycles(program: Command, cli: CliContext): void {
  program
    .command('cycles')
    .description('summaries of recent pre-generation cycles, newest first')
    .option('--limit <n>', 'at most n cycles', positiveInt)
    .action(async (options: { limit?: number }, command: Command) => {
      const cycles = await cli.api().cycles(options.limit);
      cli.output(command).show({ cycles }, () =>
        cycles.length === 0
          ? 'No cycles.'
          : table(
              CYCLE_HEAD,
              cycles.map((cycle) => [
                cycle.id,
                cycle.trigger,
                cycle.actor,
                cycle.startedAt,
                cycle.finishedAt,
                cycle.dates.length,
                cycle.generated,
                cycle.unchanged,
                cycle.emptied,
                cycle.failed,
                (cycle.upstreamMs / 1000).toFixed(1),
              ]),
            ),
      );
    });
}
