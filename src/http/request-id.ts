import { randomBytes } from 'node:crypto';
import { IncomingMessage } from 'node:http';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
// A random prefix per process and a counter: unique across replicas, with no random bytes per request.
const PREFIX = `${randomBytes(6).toString('hex')}-`;
let issued = 0;

/** An incoming X-Request-Id when it is sane, so logs join across services; else a new one. */
export function requestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming)
    ? incoming
    : PREFIX + (++issued).toString(36);
}
