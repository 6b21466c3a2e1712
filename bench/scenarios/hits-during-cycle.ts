/**
 * Scenario 11: hits while the replica runs pre-generation cycles back to back (the whole window,
 * every document rewritten), against the same hits with nothing else running: paced for p99,
 * then unpaced for throughput.
 */
import { BlobNames } from '../../src/blob/blob-names';
import { type ScheduleDate } from '../../src/domain/schedule-key';
import { request } from '../../test/support/http';
import { ROUNDS } from '../support/config';
import { type Context } from '../support/context';
import { type HotService } from '../support/hot-service';
import { type Measured } from '../support/load';
import { sleep } from '../support/processes';
import { formatMs, type Row } from '../support/report';
import { median, medianBy, problemsSuffix, ratioRow, runProblems } from '../support/rows';
import { AUTH } from '../support/servers';

const CYCLE_HIT_RATE = 1_000;
const POLL_MS = 50;

interface CycleRecord {
  readonly id: string;
  readonly finishedAt: string | null;
  readonly generated: number;
  readonly failed: number;
}

export async function hitsDuringCycle(ctx: Context, { service, url }: HotService): Promise<Row[]> {
  const rate = CYCLE_HIT_RATE;
  const cycles: CycleRecord[] = [];
  const failures: string[] = [];
  const container = ctx.container('hot');

  /** One manual cycle of the whole window, from a clean slate so that every document is written. */
  const runCycle = async (): Promise<void> => {
    const enqueued = await request(`${service.url}/api/admin/pregen`, {
      method: 'POST',
      headers: AUTH,
      json: {},
    });
    if (enqueued.status !== 202) {
      throw new Error(`POST /api/admin/pregen answered ${enqueued.status}`);
    }
    const { cycleId, jobs } = enqueued.json<{ cycleId: string; jobs: { date: string }[] }>();
    for (;;) {
      await sleep(POLL_MS);
      const listed = await request(`${service.url}/api/admin/cycles?limit=20`, { headers: AUTH });
      const cycle = listed.json<{ cycles: CycleRecord[] }>().cycles.find((c) => c.id === cycleId);
      if (cycle?.finishedAt) {
        cycles.push(cycle);
        break;
      }
    }
    // Without their manifests, the next cycle finds nothing to skip.
    await Promise.all(
      jobs.map(({ date }) =>
        container.deleteBlob(BlobNames.manifest(date as ScheduleDate)).catch(() => undefined),
      ),
    );
  };

  /** `measure` while cycles run one after another; the last one finishes after it. */
  const duringCycles = async (measure: () => Promise<Measured>): Promise<Measured> => {
    let running = true;
    const cycling = (async () => {
      while (running) {
        await runCycle().catch((error: unknown) => {
          failures.push(String(error));
          running = false;
        });
      }
    })();
    try {
      return await measure();
    } finally {
      running = false;
      await cycling;
    }
  };

  // The first cycle stores the window, so the measured ones rewrite rather than create.
  await runCycle();
  cycles.length = 0;

  const quietPaced: Measured[] = [];
  const busyPaced: Measured[] = [];
  const quietLoad: Measured[] = [];
  const busyLoad: Measured[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const paced = `paced at ${rate} req/s, round ${round}`;
    quietPaced.push(await ctx.pacedRun(`hot hit ${paced}, quiet`, service.pid, url, rate));
    busyPaced.push(
      await duringCycles(() =>
        ctx.pacedRun(`hot hit ${paced}, during cycles`, service.pid, url, rate),
      ),
    );
    const unpaced = `unpaced, round ${round}`;
    quietLoad.push(await ctx.loadRun(`hot hit ${unpaced}, quiet`, service.pid, url, AUTH));
    busyLoad.push(
      await duringCycles(() =>
        ctx.loadRun(`hot hit ${unpaced}, during cycles`, service.pid, url, AUTH, 0),
      ),
    );
  }

  const documents = cycles.reduce((sum, cycle) => sum + cycle.generated, 0);
  const failed = cycles.reduce((sum, cycle) => sum + cycle.failed, 0);
  if (failed > 0) {
    failures.push(`${failed} documents failed`);
  }
  if (cycles.length === 0) {
    failures.push('no cycle finished during the runs');
  }
  ctx.report.detail(
    `hits during cycles: ${cycles.length} cycles of the whole window finished, ` +
      `${documents} documents written, during ${ROUNDS} paced and ${ROUNDS} unpaced runs`,
  );
  const quietP99 = median(quietPaced.map((m) => m.result.p99Ms));
  const busyP99 = median(busyPaced.map((m) => m.result.p99Ms));
  const pacedProblems = [...quietPaced, ...busyPaced].map((m) => runProblems(m, 200));
  const p99Ratio = busyP99 / Math.max(0.001, quietP99);
  const byReqPerS = (runs: Measured[]) => medianBy(runs, (m) => m.result.reqPerS);
  const throughput = ratioRow(
    `11. hot hit unpaced during pre-generation cycles, median req/s of ${ROUNDS} runs`,
    byReqPerS(busyLoad),
    byReqPerS(quietLoad),
    'nothing else running',
    0.8,
  );
  return [
    {
      scenario: `11. hot hit paced at ${rate} req/s during pre-generation cycles (whole window, every document written), median p99 of ${ROUNDS} runs`,
      reqPerS: median(busyPaced.map((m) => m.result.reqPerS)),
      p50Ms: median(busyPaced.map((m) => m.result.p50Ms)),
      p99Ms: busyP99,
      baseline: `same rate, nothing else running: median p99 ${formatMs(quietP99)} ms`,
      ratio: `${p99Ratio.toFixed(2)}×${problemsSuffix([...pacedProblems, ...failures])}`,
      goal: '≤ 2×',
      pass: pacedProblems.every((p) => p === null) && failures.length === 0 && p99Ratio <= 2,
    },
    { ...throughput, pass: throughput.pass && failures.length === 0 },
  ];
}
