import { normalizeIp } from '@nestjs/throttler';
import { createHash } from 'node:crypto';

/**
 * Whom a request counts against: its credential when it sends one (many clients share an
 * ingress or NAT address), else its address. Only a digest of the header reaches Redis.
 */
export function clientTracker(request: {
  headers: { authorization?: string };
  ip: string;
}): string {
  const credential = request.headers.authorization;
  return credential
    ? `auth:${createHash('sha256').update(credential, 'utf8').digest('hex')}`
    : `ip:${normalizeIp(request.ip)}`;
}
