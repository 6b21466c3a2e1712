import { normalizeIp } from '@nestjs/throttler';
import { hash } from 'node:crypto';

/**
 * Whom a request counts against: its credential when it sends one (many clients share an
 * ingress or NAT address), else its address. Only a digest of the header reaches Redis.
 */
export function clientTracker(request: {
  headers: { authorization?: string };
  ip: string;
}): string {
  const credential = request.headers.authorization;
  return credential ? `auth:${hash('sha256', credential, 'hex')}` : `ip:${normalizeIp(request.ip)}`;
}
