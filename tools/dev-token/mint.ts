import { SignJWT } from 'jose';

export type DevTokenClaims =
  | { role: 'admin' }
  | { role: 'office'; serviceCompanyId: number }
  | { role: 'technician'; serviceCompanyId: number; employeeInformationId: number };

export interface MintOptions {
  subject?: string;
  ttlSeconds?: number;
}

/** An HS256 token as the service expects it, for local use and tests; never for production. */
export function mintToken(
  secret: string,
  claims: DevTokenClaims,
  options: MintOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject ?? `dev-${claims.role}`)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 3600))
    .sign(new TextEncoder().encode(secret));
}
