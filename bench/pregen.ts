/**
 * Pre-generation benchmark, `npm run bench:pregen`: one full cycle (7 dates, every company) per
 * company count and PREGEN_CONCURRENCY, from `POST /api/admin/pregen` until the last job has
 * stored its documents: its overhead beyond the slowest upstream call, the service's peak RSS,
 * and the CPU of the service and of Azurite. Each cycle gets fresh Redis, Azurite and service;
 * each company count one simulator. Settings and method: bench/README.md.
 *
 * Exit code: 0 when every cycle completed with exactly one upstream call per date, 1 otherwise
 * (and when BENCH_REQUIRE_TARGETS=1 and a target is missed), 130 on SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';

import { DAYS, readConfig, SERVICE_PASS_THROUGH } from './pregen/config';
import { runCompanies, sum, type RunResult } from './pregen/cycle';
import { runDetails, summaryTable, targetMet } from './pregen/report';
import { SIM_MAIN, warmBudgetS } from './pregen/sim';
import { isExiting, log, runBench, setBudget } from './support/processes';
import { SERVICE_MAIN } from './support/servers';
import { fixed } from './support/report';

/** Seconds allowed for the whole run of one company count, on top of the cycle timeout. */
const PER_RUN_SLACK_S = 300;

async function main(): Promise<number> {
  const config = readConfig(process.env);
  for (const file of [SERVICE_MAIN, SIM_MAIN]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run npm run build && npm run build:tools`);
    }
  }
  const budgetS =
    config.repeat *
    sum(
      config.companies.map(
        (companies) =>
          warmBudgetS(companies, DAYS) +
          config.concurrencies.length * (config.cycleTimeoutS + PER_RUN_SLACK_S),
      ),
    );
  setBudget(budgetS);

  const cpus = os.cpus();
  const set = SERVICE_PASS_THROUGH.filter((name) => config.service[name] !== undefined);
  const settings =
    set.length === 0
      ? 'defaults otherwise'
      : set.map((name) => `${name}=${config.service[name]}`).join(' ');
  const header = [
    '## Pre-generation benchmark: one full cycle (7 dates) per company count and PREGEN_CONCURRENCY',
    '',
    `- machine: node ${process.version}, ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, ` +
      `${fixed(os.totalmem() / 1024 ** 3, 0)} GB RAM, ${new Date().toISOString()}`,
    `- upstream latency ${config.latency.min}-${config.latency.max} ms per date (simulated, own process); ` +
      `service: PREGEN_CONCURRENCY ${config.concurrencies.join(' then ')}, ${settings}, PREGEN_ATTEMPTS=1, LOG_LEVEL=warn` +
      (config.serviceNodeOptions ? `, NODE_OPTIONS=${config.serviceNodeOptions}` : ''),
    '- Redis, Azurite (in memory), the sim and the service: one process each, all on this machine',
    `- 1-min load average at start: ${os.loadavg()[0].toFixed(2)} (anything else busy skews the numbers)`,
  ];

  const runs: RunResult[] = [];
  for (const companies of config.companies.flatMap((n) => Array<number>(config.repeat).fill(n))) {
    if (isExiting()) {
      break;
    }
    for (const run of await runCompanies(companies, config)) {
      runs.push(run);
      log(
        `${companies} companies, PREGEN_CONCURRENCY=${run.concurrency}: ` +
          `${run.ok ? 'done' : 'FAILED'} in ${fixed(run.wallS, 1)} s` +
          (run.problems.length > 0 ? ` (${run.problems.join('; ').slice(0, 300)})` : ''),
      );
    }
  }

  console.log(header.join('\n'));
  console.log('');
  console.log(summaryTable(runs, config));
  console.log('');
  console.log(
    'wall s: trigger to the last job finished (job timestamps); overhead: wall minus the slowest ' +
      'simulated upstream call of the cycle (goal at PREGEN_CONCURRENCY = PREGEN_DAYS); peak RSS: ' +
      'VmHWM of the service process (main and upstream thread), goal 512 MB for 1,000 companies at ' +
      'default settings, otherwise the pod limit; CPU s: user + system during the cycle (Azurite ' +
      'shares the 2 cores and stretches the wall time); docs: written + emptied + unchanged over ' +
      'the 7 jobs; MB = 2^20 bytes of documents.',
  );
  for (const run of runs) {
    console.log('');
    console.log(runDetails(run));
  }
  const failed = runs.some((run) => !run.ok);
  const missed = runs.some((run) => !targetMet(run, config));
  return failed || (config.requireTargets && missed) ? 1 : 0;
}

runBench(main);
