import { timingSafeEqual } from 'node:crypto';

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

// Constant time in the presented token's length: neither the configured token's length nor a
// prefix of it leaks through timing, and no hash is computed on every request.
function sameSecret(presented: string, configured: string): boolean {
  const given = Buffer.from(presented, 'utf8');
  const expected = Buffer.from(configured, 'utf8');
  if (given.length !== expected.length) {
    timingSafeEqual(given, given);
    return false;
  }
  return timingSafeEqual(given, expected);
}

export const ADMIN_CHALLENGE = 'Basic realm="schedule-cache admin", charset="UTF-8"';
