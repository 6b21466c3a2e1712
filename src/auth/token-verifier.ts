import { Principal } from './principal';

/**
 * Turns a bearer token into a principal, or throws AuthenticationError (bad token) or
 * TokenKeysUnavailableError (keys cannot be fetched). Also the DI token.
 */
export abstract class TokenVerifier {
  abstract verify(token: string): Promise<Principal>;
}
