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

// Constant time: every character of the configured token is compared, whatever is presented, so
// a matching prefix does not answer faster. Strings, not timingSafeEqual's Buffers: this runs on
// every request, and encoding both tokens each time would weigh on every cache hit.
function sameSecret(presented: string, configured: string): boolean {
  if (presented.length === 0 || configured.length === 0) {
    return false;
  }
  let difference = presented.length ^ configured.length;
  for (let i = 0; i < configured.length; i++) {
    difference |= presented.charCodeAt(i % presented.length) ^ configured.charCodeAt(i);
  }
  return difference === 0;
}

export const ADMIN_CHALLENGE = 'Basic realm="schedule-cache admin", charset="UTF-8"';
