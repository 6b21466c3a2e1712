import { Command } from 'commander';
import { JobSummary } from '../admin-api.client';
import { CliContext, firstLine, positiveInt } from '../cli-context';
import { details, table } from '../output.formatter';

const JOB_HEAD = ['ID', 'NAME', 'STATE', 'DATE', 'ATTEMPTS', 'CREATED', 'FINISHED', 'ERROR'];

/** `jobs list | show <id> | retry <id>`: the pre-generation queue's jobs. */
export function registerJobs(program: Command, cli: CliContext): void {
  const jobs = program.command('jobs').description('pre-generation and users sync jobs');

  jobs
    .command('list')
    .description('recent jobs, newest first')
    .option('--state <state>', 'only this state: failed, completed, active, waiting, delayed')
    .option('--limit <n>', 'at most n jobs (1-500, default 50)', positiveInt)
    .action(async (options: { state?: string; limit?: number }, command: Command) => {
      const list = await cli.api().listJobs(options);
      cli
        .output(command)
        .show(list, () => (list.length === 0 ? 'No jobs.' : table(JOB_HEAD, list.map(jobRow))));
    });

  jobs
    .command('show')
    .description("one job, with its error's stack trace")
    .argument('<id>', 'job id, e.g. refresh:2026-11-23:manual-…')
    .action(async (id: string, _options: object, command: Command) => {
      const job = await cli.api().showJob(id);
      cli.output(command).show(job, () => {
        const fields = details([
          ['id', job.id],
          ['name', job.name],
          ['state', job.state],
          ['date', job.date],
          ['cycle', job.cycleId],
          ['attempts', job.attempts],
          ['created', job.createdAt],
          ['processed', job.processedAt],
          ['finished', job.finishedAt],
          ['result', job.result === null ? null : JSON.stringify(job.result)],
          ['error', job.error],
        ]);
        const stack = job.stacktrace ?? [];
        return stack.length === 0 ? fields : `${fields}\n\nStack trace:\n${stack.join('\n\n')}`;
      });
    });

  jobs
    .command('retry')
    .description('run a failed job again')
    .argument('<id>', 'job id')
    .action(async (id: string, _options: object, command: Command) => {
      const retried = await cli.api().retryJob(id);
      cli.output(command).show(retried, () => `Job ${retried.id} is ${retried.state} again.`);
    });
}

function jobRow(job: JobSummary): (string | number | null | undefined)[] {
  return [
    job.id,
    job.name,
    job.state,
    job.date,
    job.attempts,
    job.createdAt,
    job.finishedAt,
    firstLine(job.error),
  ];
}
