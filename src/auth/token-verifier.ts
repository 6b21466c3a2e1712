import { Principal } from './principal';

/**
 * Turns a bearer token into a principal, or throws AuthenticationError (bad token) or
 * TokenKeysUnavailableError (keys cannot be fetched). Also the DI token.
 */
export abstract class TokenVerifier {
  abstract verify(token: string): Promise<Principal>;

  /** The principal of a token verified recently, without waiting; undefined if not known. */
  abstract known(token: string): Principal | undefined;
}
