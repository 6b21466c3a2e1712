import { HttpAnswer, request } from './http';

export type { RawAnswer } from './http';

/**
 * The benchmark's client (bench/http.ts imports this file): a GET with exactly `headers`.
 * The tests use ./http; this file goes once the benchmark calls `request(url, { headers })`.
 */
export function rawGet(url: string, headers: Record<string, string>): Promise<HttpAnswer> {
  return request(url, { headers });
}
