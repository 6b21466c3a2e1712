/**
 * What a scenario of `npm run bench` gets: the settings, the shared stack and documents, the
 * report, and the ways to start services and measure them.
 */
import { type ContainerClient } from '@azure/storage-blob';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type RawAnswer } from '../../test/support/http';
import { ROUNDS, type Config } from './config';
import { type SeededDocument, type SimDocument } from './documents';
import { load, measure, measurePaced, type Measured } from './load';
import { PacedLoadThread } from './paced-load';
import { isExiting } from './processes';
import { AUTH, serviceEnv, startListening, type Service } from './servers';
import { type Report, type Row } from './report';
import { medianBy } from './rows';
import { type Stack } from './stack';

export const BARE_SERVER = join(__dirname, 'bare-server.js');

// Set per connection or per response by node:http itself.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'date',
  'content-length',
  'transfer-encoding',
]);

/** The headers a baseline sends to answer the same bytes as the service. */
function replayedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name, value]) => !HOP_BY_HOP.has(name) && typeof value === 'string')
      .map(([name, value]) => [name, value as string]),
  );
}

export class Context {
  private readonly tmp = mkdtempSync(join(tmpdir(), 'bench-http-'));
  private readonly paced = new PacedLoadThread();

  constructor(
    readonly config: Config,
    readonly stack: Stack,
    readonly report: Report,
    /** The simulated (company, date) closest to ~100 KB: for scenarios that need a refresh. */
    readonly simDoc: SimDocument,
    /** ~100 KB of legacy envelope under a company the sim does not know: seeded, never fetched. */
    readonly hotDoc: SeededDocument,
  ) {}

  async close(): Promise<void> {
    rmSync(this.tmp, { recursive: true, force: true });
    await this.paced.close();
  }

  /** Runs one scenario; a failure becomes an error row and the others still run. */
  async guard(scenario: string, run: () => Promise<Row[]>): Promise<Row[]> {
    if (isExiting()) {
      return [];
    }
    try {
      return await run();
    } catch (error) {
      return [this.report.error(scenario, error)];
    }
  }

  /** Environment of a service process; `group` names its container and Redis key prefix. */
  env(group: string, extra: Record<string, string> = {}): Record<string, string> {
    const { sim, redisPort, azuritePort } = this.stack;
    return {
      ...serviceEnv({ simUrl: sim.url, redisPort, azuritePort }, group),
      LOG_LEVEL: this.config.logLevel,
      // One load generator is one client: a per-client limit would answer most requests 429.
      RATE_LIMIT_PER_MINUTE: String(this.config.rateLimitPerMinute),
      ...extra,
    };
  }

  container(group: string): ContainerClient {
    return this.stack.blob.getContainerClient(`bench-${group}`);
  }

  /** Bare node:http answering `answer`'s bytes: its body and its headers, as they are. */
  async startBare(answer: RawAnswer, name = 'bare'): Promise<Service> {
    const file = join(this.tmp, `body-${randomBytes(4).toString('hex')}`);
    writeFileSync(file, answer.body);
    writeFileSync(`${file}.headers.json`, JSON.stringify(replayedHeaders(answer.headers)));
    const bare = await startListening(name, BARE_SERVER, process.env, [
      file,
      `${file}.headers.json`,
    ]);
    return Object.assign(bare, { url: `${bare.url}/` });
  }

  /** A warm-up of `warmupS` seconds, then one measured autocannon run. */
  async loadRun(
    label: string,
    pid: number,
    url: string,
    headers: Record<string, string>,
    warmupS = this.config.warmupS,
  ): Promise<Measured> {
    const options = { url, connections: this.config.connections, headers };
    if (warmupS > 0) {
      await load({ ...options, duration: warmupS });
    }
    return this.report.run(
      label,
      await measure(pid, { ...options, duration: this.config.durationS }),
    );
  }

  /** A paced run at a fixed rate (after a warm-up at that rate), for latency at that load. */
  async pacedRun(label: string, pid: number, url: string, rate: number): Promise<Measured> {
    const options = { url, headers: AUTH, connections: this.config.connections, rate };
    if (this.config.warmupS > 0) {
      await this.paced.run({ ...options, durationS: this.config.warmupS });
    }
    return this.report.run(
      label,
      await measurePaced(pid, this.paced, { ...options, durationS: this.config.durationS }),
    );
  }

  /** Each run `ROUNDS` times, alternating; for each, the round with the median req/s. */
  async alternating(runs: ((round: number) => Promise<Measured>)[]): Promise<Measured[]> {
    const results: Measured[][] = runs.map(() => []);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [index, run] of runs.entries()) {
        results[index].push(await run(round));
      }
    }
    return results.map((measured) => medianBy(measured, (m) => m.result.reqPerS));
  }
}
