/** Small HTTP helpers over fetch, with a timeout on every call. */

const CONTROL_TIMEOUT_MS = 10_000;

export interface HttpAnswer {
  status: number;
  text: string;
}

export async function request(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<HttpAnswer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, text: await response.text() };
}

/** The body of a 2xx answer, or null for anything else (including a refused connection). */
export async function fetchOk(url: string): Promise<string | null> {
  try {
    const answer = await request(url, {}, 2_000);
    return answer.status >= 200 && answer.status < 300 ? answer.text : null;
  } catch {
    return null;
  }
}

export async function requestJson(
  url: string,
  init: RequestInit,
  expectedStatus: number,
  timeoutMs = CONTROL_TIMEOUT_MS,
): Promise<unknown> {
  const answer = await request(url, init, timeoutMs);
  if (answer.status !== expectedStatus) {
    throw new Error(
      `${init.method ?? 'GET'} ${url}: HTTP ${answer.status} (expected ${expectedStatus}): ${answer.text.slice(0, 500)}`,
    );
  }
  return JSON.parse(answer.text) as unknown;
}

export function postJson(url: string, body: unknown, expectedStatus = 200): Promise<unknown> {
  return requestJson(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
    expectedStatus,
  );
}
