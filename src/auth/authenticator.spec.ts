import { FastifyRequest } from 'fastify';
import { loadConfig } from '../config/app-config';
import { AuthenticationError, AuthMessages } from './auth.errors';
import { Authenticator } from './authenticator';
import { Principal } from './principal';
import { TokenVerifier } from './token-verifier';

const ADMIN_TOKEN = 'an-admin-token-0123456789';
const USER: Principal = { role: 'admin', subject: 'user-1' };

class CountingVerifier extends TokenVerifier {
  calls = 0;

  verify(token: string): Promise<Principal> {
    this.calls++;
    return token === 'good'
      ? Promise.resolve(USER)
      : Promise.reject(new AuthenticationError(AuthMessages.invalid, 'invalid'));
  }
}

describe(Authenticator.name, () => {
  const config = loadConfig({
    UPSTREAM_BASE_URL: 'http://upstream.local:4000/',
    AUTH_JWT_SECRET: 'a-test-secret-of-at-least-32-characters',
    ADMIN_API_TOKEN: ADMIN_TOKEN,
  });
  const request = (authorization?: string) => ({ headers: { authorization } }) as FastifyRequest;
  let verifier: CountingVerifier;
  let authenticator: Authenticator;

  beforeEach(() => {
    verifier = new CountingVerifier();
    authenticator = new Authenticator(config, verifier);
  });

  it('should verify a request once, however many times it is asked', async () => {
    const good = request('Bearer good');
    const bad = request('Bearer bad');

    const principals = [
      await authenticator.authenticateRequest(good, 'bearer'),
      await authenticator.authenticateRequest(good, 'bearer'),
    ];
    const failures = [
      await authenticator.authenticateRequest(bad, 'bearer').catch((error: Error) => error.message),
      await authenticator.authenticateRequest(bad, 'bearer').catch((error: Error) => error.message),
    ];

    expect(principals).toEqual([USER, USER]);
    expect(failures).toEqual([AuthMessages.invalid, AuthMessages.invalid]);
    expect(verifier.calls).toBe(2);
  });

  it('should take the admin token as a Basic password on the queue UI only', async () => {
    const basic = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`;

    await expect(authenticator.authenticateRequest(request(basic), 'browser')).resolves.toEqual({
      role: 'admin',
      subject: 'admin-api-token',
    });
    await expect(authenticator.authenticateRequest(request(basic), 'bearer')).rejects.toThrow(
      AuthMessages.notBearer,
    );
  });
});
