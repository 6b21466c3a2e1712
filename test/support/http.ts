import { IncomingHttpHeaders, request as httpRequest } from 'node:http';

/** An answer as it came off the wire: no decompression, headers and bytes exactly as sent. */
export interface RawAnswer {
  status: number;
  /** Lower-case names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpAnswer extends RawAnswer {
  text(): string;
  /** The body parsed as JSON; throws, naming the status and body, when it is not JSON. */
  json<T = unknown>(): T;
}

export interface HttpRequest {
  /** GET unless given. */
  method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
  /** Serialised as the JSON body. */
  json?: unknown;
  /** Sent as is, with `content-type: application/json` unless `headers` name another. */
  body?: string;
}

/**
 * The one HTTP client of the tests, on node:http rather than fetch: nothing is decompressed and no
 * header is added but those asked for, so tests see what a client on the wire would.
 */
export function request(url: string | URL, init: HttpRequest = {}): Promise<HttpAnswer> {
  const body = init.json === undefined ? init.body : JSON.stringify(init.json);
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
    ...init.headers,
  };
  const method = init.method ?? 'GET';
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve(answer(`${method} ${String(url)}`, res.statusCode ?? 0, res.headers, chunks)),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${String(url)}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

function answer(
  what: string,
  status: number,
  headers: IncomingHttpHeaders,
  chunks: Buffer[],
): HttpAnswer {
  const body = Buffer.concat(chunks);
  return {
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: <T>() => {
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch {
        throw new Error(
          `${what}: HTTP ${status}, not JSON: ${body.toString('utf8').slice(0, 300)}`,
        );
      }
    },
  };
}
