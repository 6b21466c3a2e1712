/** The simulated legacy API in a process of its own, and its warm-up before a measured cycle. */
import { join } from 'node:path';

import { HOST, ROOT, startListening, type Service } from '../support/servers';

export const SIM_MAIN = join(ROOT, 'dist-tools', 'tools', 'upstream-sim', 'main.js');
/** Generating a date takes ~8 ms per company on this machine (~40 s at 5,000); room for a busy one. */
const WARM_REQUEST_TIMEOUT_MS = { base: 60_000, perCompany: 40 };

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

export async function warmSim(
  simUrl: string,
  dates: string[],
  companies: number,
): Promise<WarmDate[]> {
  const timeoutMs = warmRequestTimeoutMs(companies);
  const warm: WarmDate[] = [];
  for (const date of dates) {
    const started = performance.now();
    const response = await fetch(`${simUrl}/api/dr-schedule?startDate=${date}&endDate=${date}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200 || !response.body) {
      throw new Error(`sim warm-up of ${date}: HTTP ${response.status}`);
    }
    // Counted, not kept: a 5,000-company day is ~350 MB.
    let bytes = 0;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      bytes += next.value.byteLength;
    }
    warm.push({ date, ms: performance.now() - started, bytes });
  }
  return warm;
}

/** Seconds the warm-up of `days` dates of `companies` may take. */
export function warmBudgetS(companies: number, days: number): number {
  return (days * warmRequestTimeoutMs(companies)) / 1000;
}

function warmRequestTimeoutMs(companies: number): number {
  return WARM_REQUEST_TIMEOUT_MS.base + companies * WARM_REQUEST_TIMEOUT_MS.perCompany;
}
