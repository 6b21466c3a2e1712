/** Requests to the service's schedule endpoint and reading its answers. */
import { request, type RawAnswer } from '../../test/support/http';
import { sleep } from './processes';
import { AUTH } from './servers';

const PROBE_INTERVAL_MS = 100;

export function scheduleUrl(base: string, date: string, companyId: number): string {
  return `${base}/api/dr-schedule?startDate=${date}&endDate=${date}&serviceCompanyId=${companyId}`;
}

export function utcDate(offsetDays: number): string {
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  return new Date(today + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export function header(answer: RawAnswer, name: string): string | null {
  const value = answer.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/** The answer's cache headers, for the report. */
export function cacheHeaders(answer: RawAnswer): string {
  return ['etag', 'last-modified', 'cache-control', 'vary', 'age', 'x-cache', 'content-encoding']
    .map((name) => `${name}: ${header(answer, name) ?? '(none)'}`)
    .join('; ');
}

/** Polls until the document is served from the store (any X-Cache but MISS). */
export async function waitForHit(url: string): Promise<RawAnswer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await request(url, { headers: AUTH });
    if (answer.status === 200 && header(answer, 'x-cache') !== 'MISS') {
      return answer;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `no hit within 30 s: HTTP ${answer.status}, X-Cache ${header(answer, 'x-cache')}`,
      );
    }
    await sleep(100);
  }
}

/** Counts X-Cache values of one request every PROBE_INTERVAL_MS until stopped. */
export class CacheProbe {
  private readonly seen = new Map<string, number>();
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(urls: string[]) {
    this.done = this.loop(urls);
  }

  private async loop(urls: string[]): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      try {
        const answer = await request(urls[i % urls.length], { headers: AUTH });
        const key = `${answer.status} ${header(answer, 'x-cache') ?? '(no X-Cache)'}`;
        this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
      } catch (error) {
        this.seen.set(`error ${String(error)}`, (this.seen.get(`error ${String(error)}`) ?? 0) + 1);
      }
      await sleep(PROBE_INTERVAL_MS);
    }
  }

  async stop(): Promise<Map<string, number>> {
    this.stopped = true;
    await this.done;
    return this.seen;
  }
}

export function describeCounts(counts: Map<string, number>): string {
  return [...counts].map(([key, count]) => `${key} ×${count}`).join(', ') || 'nothing';
}

export function countWithXCache(counts: Map<string, number>, value: string): number {
  return [...counts].filter(([key]) => key.endsWith(` ${value}`)).reduce((n, [, c]) => n + c, 0);
}
