import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, JWTPayload, JWTVerifyGetKey } from 'jose';
import { AppConfig } from '../config/app-config';
import { AuthenticationError, AuthMessages, TokenKeysUnavailableError } from './auth.errors';
import { Principal } from './principal';
import { principalFromClaims } from './token-claims';
import { TokenVerifier } from './token-verifier';
import { VerifiedTokenCache } from './verified-token.cache';

const CLOCK_TOLERANCE_S = 30;
const CACHE_MAX_ENTRIES = 10_000;
const CACHE_MAX_AGE_MS = 5 * 60_000;
const JWKS_TIMEOUT_MS = 5_000;
// Codes of a JWKS that cannot be fetched or read: the identity provider's fault, not the caller's.
const KEYS_UNAVAILABLE = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

type Key = { kind: 'secret'; key: Uint8Array } | { kind: 'jwks'; key: JWTVerifyGetKey };

/**
 * HS256 with AUTH_JWT_SECRET, or RS256/ES256 from AUTH_JWKS_URL. The algorithms are pinned per key
 * source, so `alg: none` and an HS256 token "signed" with a public key are both refused.
 */
@Injectable()
export class JoseTokenVerifier extends TokenVerifier {
  private readonly key: Key | null;
  private readonly cache = new VerifiedTokenCache({
    maxEntries: CACHE_MAX_ENTRIES,
    maxAgeMs: CACHE_MAX_AGE_MS,
  });

  constructor(private readonly config: AppConfig) {
    super();
    const { jwtSecret, jwksUrl } = config.auth;
    if (jwtSecret) {
      this.key = { kind: 'secret', key: new TextEncoder().encode(jwtSecret) };
    } else if (jwksUrl) {
      const jwks = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: JWKS_TIMEOUT_MS });
      this.key = { kind: 'jwks', key: jwks };
    } else {
      this.key = null;
    }
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.cache.get(token);
    if (cached) {
      return cached;
    }
    const claims = await this.verifySignature(token);
    const principal = principalFromClaims(claims);
    this.cache.set(token, principal, claims.exp as number);
    return principal;
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    if (!this.key) {
      throw new AuthenticationError(AuthMessages.invalid, 'invalid');
    }
    const options = {
      issuer: this.config.auth.issuer,
      audience: this.config.auth.audience,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['exp', 'sub'],
    };
    let payload: JWTPayload;
    try {
      ({ payload } =
        this.key.kind === 'secret'
          ? await jwtVerify(token, this.key.key, { ...options, algorithms: ['HS256'] })
          : await jwtVerify(token, this.key.key, { ...options, algorithms: ['RS256', 'ES256'] }));
    } catch (error) {
      throw this.verificationError(error);
    }
    // jose checks iat only with maxTokenAge, which would make iat required.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_S) {
      throw new AuthenticationError(AuthMessages.invalid, 'invalid');
    }
    return payload;
  }

  private verificationError(error: unknown): Error {
    if (error instanceof errors.JWTExpired) {
      return new AuthenticationError(AuthMessages.expired, 'invalid');
    }
    const code = error instanceof errors.JOSEError ? error.code : undefined;
    const keysUnavailable = code === undefined || KEYS_UNAVAILABLE.has(code);
    if (this.key?.kind === 'jwks' && keysUnavailable) {
      return new TokenKeysUnavailableError('JWKS unavailable', { cause: error });
    }
    return new AuthenticationError(AuthMessages.invalid, 'invalid');
  }
}
