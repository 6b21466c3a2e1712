/**
 * Open-loop load at a fixed rate, for latency at a given load. autocannon's `overallRate` is a
 * per-second quota per connection: every connection sends its share back to back at the start of
 * each second and then waits, so "half the maximum rate" is full load for half of each second.
 * Here request i is due at start + i / rate; a due request goes out on any idle keep-alive
 * connection, or waits for one. Its latency runs from when the generator's 1 ms tick found it
 * due, so a wait for a free connection counts (a slow server cannot hide its queue by slowing the
 * sender, as in wrk2) but a pause of the generator itself does not.
 */
import { connect, type Socket } from 'node:net';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

import { newThread } from '../../src/common/new-thread';
import { percentile } from './stats';

export interface PacedOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  /** Requests per second. */
  rate: number;
  durationS: number;
}

export interface PacedResult {
  /** Requests due in the run; each is answered or counted in `errors`. */
  due: number;
  completed: number;
  /** Requests lost to a connection error or still unanswered `GRACE_MS` after the last was due. */
  errors: number;
  statuses: Map<number, number>;
  /** Response bytes received, headers included. */
  bytes: number;
  /** Completed requests per second of the run. */
  reqPerS: number;
  /** Latency from when the request was found due to its answer's last byte, milliseconds. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const TICK_MS = 1;
const GRACE_MS = 30_000;
const HEADER_END = Buffer.from('\r\n\r\n');
const READ_BUFFER_BYTES = 256 * 1024;
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/**
 * One keep-alive connection that frames answers by Content-Length (the service always sends it).
 * It reads into one buffer of its own, so a run allocates no Buffer per read: the generator's GC
 * pauses would otherwise land in the server's latency.
 */
class Connection {
  private readonly socket: Socket;
  private head: Buffer | null = null;
  private bodyLeft = -1;
  private status = 0;
  private bytes = 0;
  dueAt = 0;
  busy = false;
  connected = false;

  constructor(
    url: URL,
    connected: (connection: Connection) => void,
    private readonly done: (connection: Connection, status: number, bytes: number) => void,
    private readonly lost: (connection: Connection) => void,
  ) {
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    this.socket = connect({
      port: Number(url.port),
      host: url.hostname,
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback: (length) => {
          this.onRead(readBuffer.subarray(0, length));
          return true;
        },
      },
    });
    this.socket.once('connect', () => {
      this.connected = true;
      connected(this);
    });
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => this.lost(this));
  }

  send(request: Buffer, dueAt: number): void {
    this.busy = true;
    this.dueAt = dueAt;
    this.socket.write(request);
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }

  private onRead(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bodyLeft < 0) {
      const head = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      const end = head.indexOf(HEADER_END);
      if (end < 0) {
        // The read buffer is reused: keep a copy of a head split across reads.
        this.head = Buffer.from(head);
        return;
      }
      this.head = null;
      const text = head.toString('latin1', 0, end);
      this.status = Number(text.slice(9, 12));
      const length = CONTENT_LENGTH.exec(text);
      this.bodyLeft = length ? Number(length[1]) : 0;
      chunk = head.subarray(end + HEADER_END.length);
    }
    this.bodyLeft -= chunk.length;
    if (this.bodyLeft <= 0) {
      this.bodyLeft = -1;
      this.busy = false;
      const bytes = this.bytes;
      this.bytes = 0;
      this.done(this, this.status, bytes);
    }
  }
}

function requestBytes(url: URL, headers: Record<string, string>): Buffer {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) {
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

export function pacedLoad(options: PacedOptions): Promise<PacedResult> {
  const url = new URL(options.url);
  const request = requestBytes(url, options.headers);
  const due = Math.max(1, Math.round(options.rate * options.durationS));
  const latencies = new Float64Array(due);
  const statuses = new Map<number, number>();
  const idle: Connection[] = [];
  const waiting: number[] = [];
  let completed = 0;
  let errors = 0;
  let bytes = 0;
  let sent = 0;
  let start = 0;
  let connecting = options.connections;
  let alive = options.connections;

  return new Promise<PacedResult>((resolve) => {
    let ticker: NodeJS.Timeout | undefined;
    let deadline: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (): void => {
      if (finished) {
        return;
      }
      finished = true;
      clearInterval(ticker);
      clearTimeout(deadline);
      for (const connection of connections) {
        connection.close();
      }
      const wallS = (performance.now() - start) / 1000;
      const sorted = latencies.subarray(0, completed).sort();
      resolve({
        due,
        completed,
        errors: due - completed,
        statuses,
        bytes,
        reqPerS: completed / wallS,
        p50Ms: percentile(sorted, 50) ?? 0,
        p99Ms: percentile(sorted, 99) ?? 0,
        maxMs: sorted.length === 0 ? 0 : sorted[sorted.length - 1],
      });
    };
    const settle = (): void => {
      if (completed + errors === due) {
        finish();
      }
    };
    const onDone = (connection: Connection, status: number, received: number): void => {
      latencies[completed++] = performance.now() - connection.dueAt;
      bytes += received;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const next = waiting.shift();
      if (next === undefined) {
        idle.push(connection);
      } else {
        connection.send(request, next);
      }
      settle();
    };
    const onLost = (connection: Connection): void => {
      const index = idle.indexOf(connection);
      if (index >= 0) {
        idle.splice(index, 1);
      }
      errors += connection.busy ? 1 : 0;
      connection.busy = false;
      // With no connection left, nothing waiting or still due can be answered.
      if (--alive === 0) {
        errors += waiting.length + (due - sent);
        waiting.length = 0;
        sent = due;
      }
      if (!connection.connected && --connecting === 0) {
        begin();
      }
      settle();
    };
    const tick = (): void => {
      // Due requests are stamped when this loop sees them, so a pause of the generator itself
      // (GC, scheduling) is not counted as the server's latency; waiting for a free connection is.
      const now = performance.now();
      const dueNow = Math.min(due, Math.floor(((now - start) * options.rate) / 1000) + 1);
      for (; sent < dueNow; sent++) {
        const connection = idle.pop();
        if (connection) {
          connection.send(request, now);
        } else {
          waiting.push(now);
        }
      }
      if (sent === due) {
        clearInterval(ticker);
      }
    };
    const begin = (): void => {
      if (finished) {
        return;
      }
      start = performance.now();
      ticker = setInterval(tick, TICK_MS);
      deadline = setTimeout(finish, options.durationS * 1000 + GRACE_MS);
      tick();
    };
    const onConnected = (connection: Connection): void => {
      idle.push(connection);
      if (--connecting === 0) {
        begin();
      }
    };
    const connections: Connection[] = [];
    for (let i = 0; i < options.connections; i++) {
      connections.push(new Connection(url, onConnected, onDone, onLost));
    }
  });
}

/**
 * `pacedLoad` on a thread of its own, one thread for every run of a benchmark. On the calling
 * thread, the benchmark's mark-compacts (10-27 ms: the simulated upstream, the Azure SDK) delayed
 * the answers in flight and then sent what fell due meanwhile in one burst. A new thread per run
 * compiled the generator again and had a 6-10 ms mark-compact in each run's first 0.2 s, whose
 * parallel markers took both cores from the server: every run's p99 paid for the generator.
 */
export class PacedLoadThread {
  // V8's own young-generation sizing: fewer scavenges, and promotions, in the generator.
  private readonly worker = newThread(__filename, {
    workerData: { pacedLoadThread: true },
    resourceLimits: {},
  });
  private pending: { resolve: (r: PacedResult) => void; reject: (e: Error) => void } | null = null;

  constructor() {
    this.worker.on('message', (result: PacedResult) => this.settle()?.resolve(result));
    this.worker.on('error', (error: Error) => this.settle()?.reject(error));
    this.worker.on('exit', (code) =>
      this.settle()?.reject(new Error(`paced load thread exited with code ${code}`)),
    );
  }

  run(options: PacedOptions): Promise<PacedResult> {
    if (this.pending) {
      return Promise.reject(new Error('a paced run is already in progress on this thread'));
    }
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(options);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private settle(): PacedLoadThread['pending'] {
    const pending = this.pending;
    this.pending = null;
    return pending;
  }
}

if (!isMainThread && (workerData as { pacedLoadThread?: boolean } | null)?.pacedLoadThread) {
  const port = parentPort;
  port?.on('message', (options: PacedOptions) => {
    void pacedLoad(options).then((result) => port.postMessage(result));
  });
}
