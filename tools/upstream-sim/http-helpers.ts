import type { IncomingMessage, ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const MAX_CONTROL_BODY_BYTES = 64 * 1024;

export class BadRequestError extends Error {}

export function isOpen(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded;
}

export function sendText(res: ServerResponse, status: number, body: string | Buffer): void {
  if (!isOpen(res)) {
    return;
  }
  res.writeHead(status, {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

/** Writes a chunk, waiting for the socket to drain (or close) when its buffer is full. */
export async function writeChunk(res: ServerResponse, chunk: string): Promise<void> {
  if (!isOpen(res) || res.write(chunk)) {
    return;
  }
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONTROL_BODY_BYTES) {
      throw new BadRequestError('request body too large');
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch {
    throw new BadRequestError('request body is not valid JSON');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
