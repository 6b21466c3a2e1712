/** The caller is not authenticated (401). The message is shown to the client: never the token. */
export class AuthenticationError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'invalid',
  ) {
    super(message);
  }
}

/** The keys to check a token with cannot be fetched (503): not the caller's fault. */
export class TokenKeysUnavailableError extends Error {}

export const AuthMessages = {
  missing: 'Authentication required: send Authorization: Bearer <token>',
  queueUiLogin: 'Authentication required: log in with the admin token as the password',
  notBearer: 'Authorization must be a Bearer token',
  invalid: 'Invalid token',
  expired: 'Token expired',
  keysUnavailable: 'Token keys unavailable, try again later',
  adminRequired: 'Admin role required',
  otherCompany: 'Access to this company is not allowed',
} as const;

export interface AuthFailure {
  readonly status: 401 | 503;
  readonly message: string;
  /** `WWW-Authenticate` value for a 401 (RFC 6750). */
  readonly challenge?: string;
}

/** The HTTP answer for an authentication error; anything else is rethrown. */
export function authFailure(error: unknown): AuthFailure {
  if (error instanceof AuthenticationError) {
    const challenge =
      error.reason === 'missing'
        ? 'Bearer realm="schedule-cache"'
        : 'Bearer realm="schedule-cache", error="invalid_token"';
    return { status: 401, message: error.message, challenge };
  }
  if (error instanceof TokenKeysUnavailableError) {
    return { status: 503, message: AuthMessages.keysUnavailable };
  }
  throw error;
}
