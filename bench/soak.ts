/**
 * Soak, `npm run soak [-- --minutes N]`: two replicas of the built service under bounded load from
 * 20 clients for N minutes (10), a pre-generation cron every 15 s, CACHE_MAX_AGE of a few seconds
 * and an upstream fault window; prints 5xx, RSS and event-loop lag per replica and upstream calls
 * per cycle against the goals. Method: bench/README.md.
 *
 * Exit code: 0 when the run completed and every goal was met, 1 otherwise, 130 on SIGINT/SIGTERM.
 */
import { type ContainerClient } from '@azure/storage-blob';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { isFaultMode, type FaultMode } from '../tools/upstream-sim/sim-state';
import { runLoad, type LoadTotals } from './soak/load';
import { soakReport, type SoakSettings } from './soak/report';
import { countCycles, sampleReplicas } from './soak/samplers';
import { machineLines } from './support/machine';
import { log, runBench, setBudget, sleep, withStarted } from './support/processes';
import { utcDate } from './support/schedule-http';
import { SERVICE_MAIN, serviceEnv, startService, type Service } from './support/servers';
import { startStack } from './support/stack';

const CYCLE_S = 15;
const DATES = 7;
const SAMPLE_INTERVAL_MS = 5_000;
const READY_TIMEOUT_MS = 120_000;
// Stopping, the first cycle and the report, on top of the soak itself.
const BUDGET_SLACK_S = 300;

function readOptions(): Omit<SoakSettings, 'fault' | 'warmupMs' | 'cycleS' | 'dates'> & {
  faultMode: FaultMode;
} {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      clients: { type: 'string', default: '20' },
      rate: { type: 'string', default: '200' },
      'max-age': { type: 'string', default: '10' },
      fault: { type: 'string', default: 'http-500' },
    },
  });
  const positive = (name: keyof typeof values): number => {
    const value = Number(values[name]);
    if (!(value > 0)) {
      throw new Error(`--${name} must be a positive number, got ${String(values[name])}`);
    }
    return value;
  };
  if (!isFaultMode(values.fault)) {
    throw new Error(`--fault must be a fault mode of the simulator, got ${values.fault}`);
  }
  return {
    minutes: positive('minutes'),
    clients: Math.round(positive('clients')),
    rate: positive('rate'),
    maxAgeS: Math.round(positive('max-age')),
    faultMode: values.fault,
  };
}

async function main(): Promise<number> {
  const options = readOptions();
  if (!existsSync(SERVICE_MAIN)) {
    throw new Error(`${SERVICE_MAIN} is missing: run npm run build`);
  }
  setBudget(options.minutes * 60 + BUDGET_SLACK_S);
  const machine = machineLines();
  const stack = await startStack();
  const { sim } = stack;
  sim.setLatency(200, 800);
  const group = `soak-${randomBytes(4).toString('hex')}`;
  const env = {
    ...serviceEnv(
      { simUrl: sim.url, redisPort: stack.redisPort, azuritePort: stack.azuritePort },
      group,
    ),
    PREGEN_ENABLED: 'true',
    PREGEN_CRON: `*/${CYCLE_S} * * * * *`,
    PREGEN_DAYS: String(DATES),
    CACHE_MAX_AGE: String(options.maxAgeS),
    // On, but out of reach: every hit pays for its counter as in production.
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  };
  const dates = Array.from({ length: DATES }, (_, i) => utcDate(i));
  try {
    return await withStarted(async (start) => {
      const replicas: Service[] = [];
      for (const name of ['replica-1', 'replica-2']) {
        replicas.push(await start(startService(env, name)));
      }
      await waitForManifests(stack.blob.getContainerClient(`bench-${group}`), dates);

      const durationMs = options.minutes * 60_000;
      const settings: SoakSettings = {
        ...options,
        cycleS: CYCLE_S,
        dates: DATES,
        fault: { mode: options.faultMode, startMs: durationMs * 0.4, endMs: durationMs * 0.55 },
        warmupMs: Math.min(Math.max(60_000, durationMs * 0.2), durationMs / 2),
      };
      log(`soaking for ${options.minutes} min`);
      const startedAt = Date.now();
      const over = () => Date.now() - startedAt >= durationMs;
      const load: LoadTotals = { requests: 0, errors: 0, statuses: new Map(), maxP99Ms: 0 };
      const [, replicaSamples, cycles] = await Promise.all([
        runLoad(
          {
            replicas,
            dates,
            companies: sim.companyIds().slice(0, 6),
            clients: options.clients,
            rate: options.rate,
            segmentS: CYCLE_S,
          },
          load,
          over,
        ),
        sampleReplicas(replicas, SAMPLE_INTERVAL_MS, startedAt, over),
        countCycles(sim, CYCLE_S * 1000, startedAt, over),
        faultWindow(sim, settings.fault, options.faultMode),
      ]);
      const report = soakReport(settings, { load, replicas: replicaSamples, cycles });
      console.log([report.text, '', ...machine].join('\n'));
      return report.pass ? 0 : 1;
    });
  } finally {
    await sim.close();
  }
}

async function faultWindow(
  sim: { setFault(mode: FaultMode): void },
  window: SoakSettings['fault'],
  mode: FaultMode,
): Promise<void> {
  await sleep(window.startMs);
  log(`upstream fault ${mode} on`);
  sim.setFault(mode);
  await sleep(window.endMs - window.startMs);
  sim.setFault('none');
  log('upstream fault off');
}

/** The first cycle has stored every date of the window: the load starts on a warm store. */
async function waitForManifests(
  container: ContainerClient,
  dates: readonly string[],
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (const date of dates) {
    while (
      !(await container
        .getBlobClient(`manifests/${date}.json`)
        .exists()
        .catch(() => false))
    ) {
      if (Date.now() > deadline) {
        throw new Error(`the first cycle did not store ${date} within ${READY_TIMEOUT_MS} ms`);
      }
      await sleep(500);
    }
  }
}

runBench(main);
