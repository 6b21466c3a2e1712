/** The report of `npm run bench` as markdown: printed, and written where asked. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as prettier from 'prettier';

import { RESULTS_FILE, type Config } from './config';
import { log } from './processes';
import { imageEnv, imageNodeFlags, ROOT } from './servers';
import { contention, runsTable, summaryTable, type Report } from './report';

export function reportText(config: Config, report: Report, machine: string[]): string {
  return [
    '# HTTP benchmark (`npm run bench`)',
    '',
    ...machine,
    `- load: autocannon in the benchmark process, ${config.connections} connections, keep-alive; ` +
      `${config.warmupS} s warm-up then ${config.durationS} s measured per run; the fixed-rate ` +
      `runs are paced evenly over the same connections from one thread of their own, kept for all of them ` +
      `(bench/support/paced-load.ts)`,
    `- services: \`${imageCommand()}\` (the image's environment and flags), LOG_LEVEL=${config.logLevel}, ` +
      `RATE_LIMIT_PER_MINUTE=${config.rateLimitPerMinute}` +
      (config.rateLimitPerMinute === 0 ? ' (rate limiting off)' : ''),
    '- Redis, Azurite (in memory), the services and the bare baselines run as their own ' +
      'processes; the simulated legacy API runs inside the benchmark process' +
      (config.backendNice > 0
        ? `; Redis and Azurite at nice +${config.backendNice} above the rest (BENCH_BACKEND_NICE)`
        : ''),
    ...(config.fullRun ? [] : [`- scenarios: only ${[...config.only].join(', ')}`]),
    '',
    summaryTable(report.rows),
    ...contention(report.runs),
    '',
    'Ratios are of req/s unless said otherwise. The load generator shares the 2 cores with the ' +
      'server: when it is near 100 % CPU the run is client-bound, and server CPU per request ' +
      '(below) separates the servers better than req/s. "Rest of the machine" is everything ' +
      'else (Azurite, Redis, kernel, other programs). autocannon records whole milliseconds; the ' +
      'paced runs record fractions, from the moment each request was due.',
    '',
    '## Runs',
    '',
    runsTable(report.runs),
    '',
    '## Details',
    '',
    ...report.details,
    '',
  ].join('\n');
}

/** Formatted like every other file of the repository, so `npm run lint` passes. */
export async function writeReport(file: string, text: string): Promise<void> {
  const options = (await prettier.resolveConfig(RESULTS_FILE)) ?? {};
  const whole = text + otherSections(file);
  writeFileSync(file, await prettier.format(whole, { ...options, parser: 'markdown' }));
  const inRepository = !relative(ROOT, file).startsWith('..');
  log(`written to ${inRepository ? relative(ROOT, file) : file}`);
}

/** The soak's and pre-generation's sections follow the HTTP report in the file: a rewrite keeps them. */
function otherSections(file: string): string {
  if (!existsSync(file)) {
    return '';
  }
  const text = readFileSync(file, 'utf8');
  const next = text.indexOf('\n# ');
  return next < 0 ? '' : text.slice(next);
}

function imageCommand(): string {
  const env = Object.entries(imageEnv()).map(([name, value]) => `${name}=${value}`);
  return [...env, 'node', ...imageNodeFlags()].join(' ');
}
