import { hash, timingSafeEqual } from 'node:crypto';

/**
 * True when an Authorization header carries the admin token, as `Bearer <token>` (automation)
 * or as the password of `Basic` (so a browser can open the queue UI). No token configured: false.
 */
export function isAdminCredential(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header) {
    return false;
  }
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  let presented: string | undefined;
  if (scheme.toLowerCase() === 'bearer') {
    presented = value;
  } else if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    presented = decoded.slice(decoded.indexOf(':') + 1);
  }
  return presented !== undefined && sameSecret(presented, token);
}

/** True when a bearer token is the configured admin token. No token configured: false. */
export function isAdminToken(presented: string, token: string | undefined): boolean {
  return token !== undefined && token !== '' && sameSecret(presented, token);
}

// Compare digests so neither the length nor a prefix of the token leaks through timing.
function sameSecret(presented: string, configured: string): boolean {
  return timingSafeEqual(digest(presented), configuredDigest(configured));
}

// crypto.hash: one call, no Hash object per request.
const digest = (s: string): Buffer => hash('sha256', s, 'buffer');

// The configured token's digest is computed once, not on every request.
const configuredDigests = new Map<string, Buffer>();
function configuredDigest(token: string): Buffer {
  let known = configuredDigests.get(token);
  if (!known) {
    known = digest(token);
    configuredDigests.set(token, known);
  }
  return known;
}

export const ADMIN_CHALLENGE = 'Basic realm="schedule-cache admin", charset="UTF-8"';
