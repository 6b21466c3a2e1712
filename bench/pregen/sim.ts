/** The simulated legacy API in a process of its own, and its warm-up before a measured cycle. */
import { join } from 'node:path';

import { request } from '../support/http';
import { HOST, ROOT, startListening, type Service } from '../support/servers';

export const SIM_MAIN = join(ROOT, 'dist-tools', 'tools', 'upstream-sim', 'main.js');
const WARM_REQUEST_TIMEOUT_MS = 180_000;

export interface WarmDate {
  date: string;
  ms: number;
  bytes: number;
}

/** The simulator in its own process, with zero latency until warmed up. */
export function startSim(companies: number): Promise<Service> {
  return startListening('upstream-sim', SIM_MAIN, {
    ...process.env,
    SIM_HOST: HOST,
    SIM_PORT: '0',
    SIM_COMPANIES: String(companies),
    SIM_LATENCY_MIN_MS: '0',
    SIM_LATENCY_MAX_MS: '0',
    SIM_SEED: '1',
    UPSTREAM_API_TOKEN: '',
  });
}

/** today .. today+days-1 in UTC, as the service computes them (SCHEDULE_TIMEZONE=UTC). */
export function utcDates(days: number): string[] {
  const start = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) =>
    new Date(start + i * 86_400_000).toISOString().slice(0, 10),
  );
}

export async function warmSim(simUrl: string, dates: string[]): Promise<WarmDate[]> {
  const warm: WarmDate[] = [];
  for (const date of dates) {
    const started = performance.now();
    const answer = await request(
      `${simUrl}/api/dr-schedule?startDate=${date}&endDate=${date}`,
      {},
      WARM_REQUEST_TIMEOUT_MS,
    );
    if (answer.status !== 200) {
      throw new Error(`sim warm-up of ${date}: HTTP ${answer.status}`);
    }
    warm.push({ date, ms: performance.now() - started, bytes: Buffer.byteLength(answer.text) });
  }
  return warm;
}
