import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';

import { pacedLoad, PacedLoadThread, type PacedOptions } from './paced-load';

const BODY = Buffer.alloc(1000, 'x');

async function listening<T extends Server | HttpServer>(server: T): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/doc?x=1`;
}

function closed(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

const options = (url: string): PacedOptions => ({
  url,
  headers: { authorization: 'Bearer t' },
  connections: 4,
  rate: 200,
  durationS: 0.25,
});

describe(pacedLoad.name, () => {
  it('should send every due request once, with the headers given, and count the answers', async () => {
    const seen: string[] = [];
    const server = createHttpServer((request, response) => {
      seen.push(`${request.url} ${request.headers.authorization}`);
      response.writeHead(seen.length % 2 === 0 ? 200 : 203, { 'content-length': BODY.length });
      response.end(BODY);
    });
    try {
      const result = await pacedLoad(options(await listening(server)));

      expect(result.due).toBe(50);
      expect(result.completed).toBe(50);
      expect(result.errors).toBe(0);
      expect(new Set(seen)).toEqual(new Set(['/doc?x=1 Bearer t']));
      expect(seen).toHaveLength(50);
      expect(result.statuses).toEqual(
        new Map([
          [203, 25],
          [200, 25],
        ]),
      );
      expect(result.bytes).toBeGreaterThan(50 * BODY.length);
      expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
      expect(result.maxMs).toBeGreaterThanOrEqual(result.p99Ms);
    } finally {
      await closed(server);
    }
  });

  it('should frame answers whose head and body arrive in pieces, and bodiless answers', async () => {
    let answered = 0;
    const server = createTcpServer((socket: Socket) => {
      socket.on('data', () => {
        answered++;
        if (answered % 2 === 0) {
          socket.write('HTTP/1.1 304 Not Modified\r\netag: "a"\r\n\r\n');
          return;
        }
        socket.write('HTTP/1.1 200 OK\r\nContent-Le');
        setImmediate(() => {
          socket.write('ngth: 10\r\n\r\nhello');
          setImmediate(() => socket.write('world'));
        });
      });
    });
    try {
      const result = await pacedLoad({ ...options(await listening(server)), connections: 1 });

      expect(result.completed).toBe(50);
      expect(result.errors).toBe(0);
      expect(result.statuses).toEqual(
        new Map([
          [200, 25],
          [304, 25],
        ]),
      );
    } finally {
      await closed(server);
    }
  });

  it('should count requests lost to closed connections as errors, and end', async () => {
    const server = createTcpServer((socket: Socket) => socket.on('data', () => socket.destroy()));
    try {
      const result = await pacedLoad(options(await listening(server)));

      expect(result.completed).toBe(0);
      expect(result.errors).toBe(50);
    } finally {
      await closed(server);
    }
  });

  it('should count every request as an error, and end, when nothing listens', async () => {
    const server = createTcpServer();
    const url = await listening(server);
    await closed(server);

    const result = await pacedLoad(options(url));

    expect(result.completed).toBe(0);
    expect(result.errors).toBe(50);
    expect(result.statuses.size).toBe(0);
  });
});

describe(PacedLoadThread.name, () => {
  it('should run one paced load after another on its thread, and refuse a second at once', async () => {
    let requests = 0;
    const server = createHttpServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-length': BODY.length });
      response.end(BODY);
    });
    const thread = new PacedLoadThread();
    try {
      const url = await listening(server);

      const first = thread.run(options(url));
      await expect(thread.run(options(url))).rejects.toThrow('already in progress');
      const results = [await first, await thread.run(options(url))];

      for (const result of results) {
        expect(result.completed).toBe(50);
        expect(result.errors).toBe(0);
        expect(result.statuses).toEqual(new Map([[200, 50]]));
      }
      expect(requests).toBe(100);
    } finally {
      await thread.close();
      await closed(server);
    }
  });
});
