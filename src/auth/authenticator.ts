import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { isAdminCredential, isAdminToken } from './admin-credential';
import { AuthenticationError, AuthMessages } from './auth.errors';
import { CredentialScheme } from './credential-routes';
import { Principal } from './principal';
import { TokenVerifier } from './token-verifier';

const STATIC_ADMIN: Principal = { role: 'admin', subject: 'admin-api-token' };
const AUTH_OFF_ADMIN: Principal = { role: 'admin', subject: 'auth-disabled' };
const BEARER = /^Bearer +\S+$/i;

/** Who is calling, from an Authorization header: a JWT, the static admin token, or nobody. */
@Injectable()
export class Authenticator implements OnApplicationBootstrap {
  private readonly logger = new Logger(Authenticator.name);

  constructor(
    private readonly config: AppConfig,
    private readonly verifier: TokenVerifier,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.auth.disabled) {
      this.logger.warn(
        'AUTH_DISABLED=true: authentication is OFF, every caller is treated as admin and can read every company',
      );
    }
  }

  /**
   * The request's caller, verified once per request by whoever asks first (the rate-limit hook,
   * then the route's guard reuses it).
   */
  authenticateRequest(request: FastifyRequest, scheme: CredentialScheme): Promise<Principal> {
    const header = request.headers.authorization;
    request.authentication ??=
      scheme === 'browser' ? this.authenticateBrowser(header) : this.authenticate(header);
    return request.authentication;
  }

  /** The API: `Bearer <JWT>` or `Bearer <ADMIN_API_TOKEN>`. */
  private async authenticate(header: string | undefined): Promise<Principal> {
    if (this.config.auth.disabled) {
      return AUTH_OFF_ADMIN;
    }
    const token = bearerToken(header);
    return this.staticPrincipal(token) ?? (await this.verifier.verify(token));
  }

  /** The queue UI also takes the static token as a Basic password, so a browser can log in. */
  private async authenticateBrowser(header: string | undefined): Promise<Principal> {
    if (isAdminCredential(header, this.config.adminToken)) {
      return STATIC_ADMIN;
    }
    return await this.authenticate(header);
  }

  private staticPrincipal(token: string): Principal | undefined {
    return isAdminToken(token, this.config.adminToken) ? STATIC_ADMIN : undefined;
  }
}

function bearerToken(header: string | undefined): string {
  const trimmed = header?.trim() ?? '';
  if (trimmed === '') {
    throw new AuthenticationError(AuthMessages.missing, 'missing');
  }
  if (!BEARER.test(trimmed)) {
    throw new AuthenticationError(AuthMessages.notBearer, 'invalid');
  }
  // test() and a slice: no match array allocated per request.
  return trimmed.slice(trimmed.lastIndexOf(' ') + 1);
}
