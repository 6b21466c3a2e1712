import { createServer, request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';

export interface GatedProxy {
  readonly port: number;
  /** Requests held so far. */
  held(): number;
  /** Lets every held request through, and every later one at once. */
  release(): void;
  close(): Promise<void>;
}

/**
 * An HTTP proxy to a local port (Azurite) that holds the requests whose path matches `gated`
 * until `release()`: a dependency that is up but has not answered yet, without timing.
 */
export async function startGatedProxy(targetPort: number, gated: RegExp): Promise<GatedProxy> {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  const server = createServer((req, res) => {
    const forward = (): void => {
      const options = { port: targetPort, method: req.method, path: req.url, headers: req.headers };
      const upstream = httpRequest({ host: '127.0.0.1', ...options }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (gated.test(req.url ?? '')) {
      held += 1;
      void released.then(forward);
    } else {
      forward();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    held: () => held,
    release,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
