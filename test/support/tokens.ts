import { DevTokenClaims, MintOptions, mintToken } from '../../tools/dev-token/mint';
import { ADMIN_TOKEN, TEST_JWT_SECRET } from './test-app';

/** An Authorization header for a token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Request options (test/support/http.ts) of a caller with the static ADMIN_API_TOKEN. */
export const AS_ADMIN = { token: ADMIN_TOKEN };

/** A user token signed with the test apps' AUTH_JWT_SECRET (or the given secret). */
export function testToken(
  claims: DevTokenClaims,
  { secret = TEST_JWT_SECRET, ...options }: MintOptions & { secret?: string } = {},
): Promise<string> {
  return mintToken(secret, claims, options);
}
