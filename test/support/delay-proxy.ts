import { AddressInfo, createServer, connect, Socket } from 'node:net';

export interface DelayProxy {
  readonly port: number;
  /** Holds every later chunk of the target's answers this long before passing it on. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy to 127.0.0.1:`targetPort` that passes requests at once and answers late, in order:
 * a dependency that is slow rather than dead.
 */
export async function startDelayProxy(targetPort: number): Promise<DelayProxy> {
  let delayMs = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const target = connect(targetPort, '127.0.0.1');
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => (socket === client ? target : client).destroy());
    }
    client.pipe(target);
    let sent = Promise.resolve();
    target.on('data', (chunk: Buffer) => {
      const ms = delayMs;
      sent = sent
        .then(() => new Promise((resolve) => setTimeout(resolve, ms)))
        .then(() => void (client.destroyed || client.write(chunk)));
    });
    target.once('end', () => void sent.then(() => client.end()));
    client.once('close', () => target.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setDelay: (ms) => (delayMs = ms),
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
