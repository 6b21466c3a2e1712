/**
 * The read path's HTTP benchmark, `npm run bench`: starts Redis, Azurite, the simulated legacy
 * API, the services and the bare baselines itself, runs the scenarios of bench/scenarios/ and
 * prints one report. Flags, settings and the method: bench/README.md.
 */
import { existsSync } from 'node:fs';

import { compression } from './scenarios/compression';
import { hitsDuringCycle } from './scenarios/hits-during-cycle';
import { hitsWhileRefreshing } from './scenarios/hits-while-refreshing';
import { hotHit } from './scenarios/hot-hit';
import { memory } from './scenarios/memory';
import { missStorm } from './scenarios/miss-storm';
import { naive } from './scenarios/naive';
import { notModified } from './scenarios/not-modified';
import { staleIfError } from './scenarios/stale-if-error';
import { staleWhileRevalidate } from './scenarios/stale-while-revalidate';
import { warmUp } from './scenarios/warm-up';
import { readConfig } from './support/config';
import { BARE_SERVER, Context } from './support/context';
import { hotDocument, simDocument } from './support/documents';
import { withHotService, type HotService } from './support/hot-service';
import { machineLines } from './support/machine';
import { log, runBench, setBudget } from './support/processes';
import { SERVICE_MAIN } from './support/servers';
import { Report, type Row } from './support/report';
import { reportText, writeReport } from './support/results';
import { startStack } from './support/stack';

interface Scenario<Args extends unknown[]> {
  /** Its number in the report's rows. */
  number: number;
  /** What `--only` takes, and the file in bench/scenarios/. */
  name: string;
  /** The row that reports it when it fails. */
  title: string;
  run: (ctx: Context, ...args: Args) => Promise<Row[]>;
}

// In the order they run. The hot scenarios share one service, started once for all of them.
const HOT: Scenario<[HotService]>[] = [
  { number: 1, name: 'hot-hit', title: '1. hot hit vs bare node:http', run: hotHit },
  { number: 2, name: 'naive', title: '2. hot hit vs naive (blob read per request)', run: naive },
  { number: 3, name: 'not-modified', title: '3. 304 If-None-Match vs 200 hit', run: notModified },
  { number: 4, name: 'compression', title: '4. Accept-Encoding vs bare', run: compression },
  {
    number: 9,
    name: 'hits-while-refreshing',
    title: '9. hot hit while the replica refreshes',
    run: hitsWhileRefreshing,
  },
  {
    number: 11,
    name: 'hits-during-cycle',
    title: '11. hot hit during pre-generation cycles',
    run: hitsDuringCycle,
  },
];
const OTHERS: Scenario<[]>[] = [
  { number: 5, name: 'miss-storm', title: '5. miss storm', run: missStorm },
  {
    number: 6,
    name: 'stale-while-revalidate',
    title: '6. stale-while-revalidate',
    run: staleWhileRevalidate,
  },
  { number: 7, name: 'stale-if-error', title: '7. stale-if-error', run: staleIfError },
  { number: 8, name: 'memory', title: '8. memory', run: memory },
  { number: 10, name: 'warm-up', title: '10. warm-up', run: warmUp },
];

async function main(): Promise<number> {
  const config = readConfig(process.env, process.argv.slice(2), [...HOT, ...OTHERS]);
  for (const file of [SERVICE_MAIN, BARE_SERVER]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run npm run build && npm run build:tools`);
    }
  }
  setBudget(900 + 30 * (config.durationS + config.warmupS));
  const machine = machineLines();
  const report = new Report();
  const stack = await startStack(config.backendNice);
  const ctx = new Context(config, stack, report, simDocument(stack.sim), hotDocument(stack.sim));
  const { companyId, date, simBytes } = ctx.simDoc;
  log(`sim document: company ${companyId}, ${date}, ~${simBytes} bytes`);
  const record = async (title: string, run: () => Promise<Row[]>): Promise<void> => {
    report.rows.push(...(await ctx.guard(title, run)));
  };
  try {
    const hot = HOT.filter((scenario) => config.only.has(scenario.name));
    if (hot.length > 0) {
      await record('1-4. hot document', () =>
        withHotService(ctx, async (service) => {
          for (const scenario of hot) {
            await record(scenario.title, () => scenario.run(ctx, service));
          }
          return [];
        }),
      );
    }
    for (const scenario of OTHERS.filter((s) => config.only.has(s.name))) {
      await record(scenario.title, () => scenario.run(ctx));
    }
  } finally {
    await ctx.close();
    await stack.sim.close();
  }

  const text = reportText(config, report, machine);
  console.log(text);
  if (config.output !== null) {
    await writeReport(config.output, text);
  }
  const missed = report.rows.some((row) => row.pass === false);
  return report.errors > 0 || (config.requireGoals && missed) ? 1 : 0;
}

runBench(main);
