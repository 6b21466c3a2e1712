/**
 * The baseline of the hot-hit and compression scenarios: bare `node:http` sending one Buffer from
 * memory, no framework, no per-request work. Run as a child process: `bare-server.js <body file>
 * [headers file]`, where the headers file is a JSON object of response headers to send as they
 * are (the service's own, so both answer the same bytes); prints `listening on
 * http://127.0.0.1:<port>` once it listens.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const HOST = '127.0.0.1';

async function main(): Promise<void> {
  const [file, headersFile] = process.argv.slice(2);
  if (file === undefined) {
    throw new Error('usage: bare-server.js <body file> [headers file]');
  }
  const body = readFileSync(file);
  const extra = headersFile
    ? (JSON.parse(readFileSync(headersFile, 'utf8')) as Record<string, string>)
    : {};
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    ...extra,
    'content-length': String(body.length),
  };
  const server = createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening on http://${HOST}:${port}\n`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
