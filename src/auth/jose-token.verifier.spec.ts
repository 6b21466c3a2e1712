import {
  CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  JWTPayload,
  KeyObject,
  SignJWT,
} from 'jose';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadConfig } from '../config/app-config';
import { AuthenticationError, TokenKeysUnavailableError } from './auth.errors';
import { JoseTokenVerifier } from './jose-token.verifier';

const SECRET = 'unit-test-secret-0123456789-0123456789';
const secretKey = new TextEncoder().encode(SECRET);
const OFFICE = { role: 'office', serviceCompanyId: 26 };
const TECHNICIAN = { role: 'technician', serviceCompanyId: 26, employeeInformationId: 4017 };

type SigningKey = CryptoKey | KeyObject | Uint8Array;

interface MintOptions {
  alg?: string;
  key?: SigningKey;
  kid?: string;
  sub?: string | null;
  /** Seconds from now; null leaves the claim out. */
  exp?: number | null;
  nbf?: number;
  /** Seconds from now. */
  iat?: number;
  iss?: string;
  aud?: string;
}

function mint(claims: JWTPayload, options: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', kid: options.kid })
    .setIssuedAt(now + (options.iat ?? 0));
  if (options.sub !== null) {
    jwt.setSubject(options.sub ?? 'user-1');
  }
  if (options.exp !== null) {
    jwt.setExpirationTime(now + (options.exp ?? 3600));
  }
  if (options.nbf !== undefined) {
    jwt.setNotBefore(now + options.nbf);
  }
  if (options.iss) {
    jwt.setIssuer(options.iss);
  }
  if (options.aud) {
    jwt.setAudience(options.aud);
  }
  return jwt.sign(options.key ?? secretKey);
}

function unsigned(claims: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'user-1', exp, ...claims })}.`;
}

function verifier(env: Record<string, string> = { AUTH_JWT_SECRET: SECRET }): JoseTokenVerifier {
  return new JoseTokenVerifier(
    loadConfig({ UPSTREAM_BASE_URL: 'http://upstream.invalid', ...env }),
  );
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe(JoseTokenVerifier.name, () => {
  describe('with AUTH_JWT_SECRET (HS256)', () => {
    it('should turn each role into its principal', async () => {
      const tokens = verifier();

      await expect(tokens.verify(await mint({ role: 'admin' }))).resolves.toEqual({
        role: 'admin',
        subject: 'user-1',
      });
      await expect(tokens.verify(await mint(OFFICE))).resolves.toEqual({
        role: 'office',
        subject: 'user-1',
        companyId: 26,
      });
      await expect(tokens.verify(await mint(TECHNICIAN))).resolves.toEqual({
        role: 'technician',
        subject: 'user-1',
        companyId: 26,
        employeeId: 4017,
      });
    });

    it('should accept ids as canonical decimal strings', async () => {
      const token = await mint({
        role: 'technician',
        serviceCompanyId: '26',
        employeeInformationId: '4017',
      });

      await expect(verifier().verify(token)).resolves.toMatchObject({
        companyId: 26,
        employeeId: 4017,
      });
    });

    it.each([
      ['a wrong secret', () => mint(OFFICE, { key: new TextEncoder().encode(`${SECRET}x`) })],
      ['alg: none', () => Promise.resolve(unsigned(OFFICE))],
      ['garbage', () => Promise.resolve('not.a.jwt')],
      ['a tampered payload', async () => tamper(await mint(OFFICE), { serviceCompanyId: 27 })],
      ['no exp', () => mint(OFFICE, { exp: null })],
      ['no sub', () => mint(OFFICE, { sub: null })],
      ['nbf beyond the 30 s skew', () => mint(OFFICE, { nbf: 60 })],
    ])('should refuse %s as an invalid token', async (_, token) => {
      const error = await rejection(verifier().verify(await token()));

      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toBe('Invalid token');
    });

    it('should refuse a token expired beyond the 30 s skew', async () => {
      const error = await rejection(verifier().verify(await mint(OFFICE, { exp: -31 })));

      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toBe('Token expired');
    });

    it('should refuse a token issued beyond the 30 s skew in the future, and accept one within it', async () => {
      const error = await rejection(verifier().verify(await mint(OFFICE, { iat: 31 })));

      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toBe('Invalid token');
      await expect(verifier().verify(await mint(OFFICE, { iat: 20 }))).resolves.toMatchObject({
        role: 'office',
      });
    });

    it('should accept exp and nbf within the 30 s skew', async () => {
      await expect(verifier().verify(await mint(OFFICE, { exp: -20 }))).resolves.toMatchObject({
        role: 'office',
      });
      await expect(verifier().verify(await mint(OFFICE, { nbf: 20 }))).resolves.toMatchObject({
        role: 'office',
      });
    });

    it.each([
      [{ role: 'superuser' }, 'role'],
      [{ role: ['admin'] }, 'role'],
      [{}, 'role'],
      [{ role: 'office' }, 'serviceCompanyId'],
      [{ role: 'office', serviceCompanyId: 0 }, 'serviceCompanyId'],
      [{ role: 'office', serviceCompanyId: '007' }, 'serviceCompanyId'],
      [{ role: 'office', serviceCompanyId: '26 ' }, 'serviceCompanyId'],
      [{ role: 'office', serviceCompanyId: 2.5 }, 'serviceCompanyId'],
      [{ role: 'office', serviceCompanyId: 2147483648 }, 'serviceCompanyId'],
      [{ role: 'technician', serviceCompanyId: 26 }, 'employeeInformationId'],
      [
        { role: 'technician', serviceCompanyId: 26, employeeInformationId: -4 },
        'employeeInformationId',
      ],
      [
        { role: 'technician', serviceCompanyId: 26, employeeInformationId: '4e3' },
        'employeeInformationId',
      ],
    ])('should refuse the claims %j naming %s', async (claims, claim) => {
      const error = await rejection(verifier().verify(await mint(claims)));

      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toBe(`Invalid token: claim ${claim} missing or invalid`);
    });

    it('should check issuer and audience when configured', async () => {
      const tokens = verifier({
        AUTH_JWT_SECRET: SECRET,
        AUTH_JWT_ISSUER: 'https://login.example.com/',
        AUTH_JWT_AUDIENCE: 'schedule-cache',
      });
      const good = { iss: 'https://login.example.com/', aud: 'schedule-cache' };

      await expect(tokens.verify(await mint(OFFICE, good))).resolves.toMatchObject({
        role: 'office',
      });
      for (const bad of [
        { ...good, iss: 'https://evil.example.com/' },
        { ...good, aud: 'another-service' },
        { aud: 'schedule-cache' },
        { iss: 'https://login.example.com/' },
      ]) {
        await expect(tokens.verify(await mint(OFFICE, bad))).rejects.toThrow('Invalid token');
      }
    });

    it('should never put the token in its error', async () => {
      const token = await mint({ role: 'office', serviceCompanyId: 'x' });
      const error = await rejection(verifier().verify(token));

      expect(`${error.message} ${String(error.cause)} ${error.stack}`).not.toContain(token);
    });
  });

  describe('verification cache', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('should answer a token again with the same principal', async () => {
      const tokens = verifier();
      const token = await mint(OFFICE);

      const first = await tokens.verify(token);
      expect(await tokens.verify(token)).toBe(first);
      expect(await tokens.verify(await mint(OFFICE, { sub: 'user-2' }))).not.toBe(first);
    });

    it('should verify again once the token expired', async () => {
      const now = Date.now();
      jest.useFakeTimers({ now, doNotFake: NOT_DATE });
      const tokens = verifier();
      const token = await mint(OFFICE, { exp: 60 });
      await tokens.verify(token);

      jest.setSystemTime(now + 95_000);

      await expect(tokens.verify(token)).rejects.toThrow('Token expired');
    });

    it('should verify again after 5 minutes even when exp is later', async () => {
      const now = Date.now();
      jest.useFakeTimers({ now, doNotFake: NOT_DATE });
      const tokens = verifier();
      const token = await mint(OFFICE, { exp: 3600 });
      const first = await tokens.verify(token);

      jest.setSystemTime(now + 4 * 60_000);
      expect(await tokens.verify(token)).toBe(first);
      jest.setSystemTime(now + 5 * 60_000 + 1_000);
      const again = await tokens.verify(token);
      expect(again).not.toBe(first);
      expect(again).toEqual(first);
    });

    it('should not cache a failure', async () => {
      const tokens = verifier();
      const early = await mint(OFFICE, { nbf: 60 });

      await expect(tokens.verify(early)).rejects.toThrow('Invalid token');
      await expect(tokens.verify(early)).rejects.toThrow('Invalid token');
    });
  });

  describe('with AUTH_JWKS_URL (RS256, ES256)', () => {
    let server: Server;
    let jwksUrl: string;
    let jwksRequests = 0;
    let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
    let ec: Awaited<ReturnType<typeof generateKeyPair>>;
    let other: Awaited<ReturnType<typeof generateKeyPair>>;

    beforeAll(async () => {
      [rsa, ec, other] = await Promise.all([
        generateKeyPair('RS256'),
        generateKeyPair('ES256'),
        generateKeyPair('RS256'),
      ]);
      const keys = [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
      ];
      server = createServer((_, response) => {
        jwksRequests += 1;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    const jwksVerifier = () => verifier({ AUTH_JWKS_URL: jwksUrl });

    it('should accept RS256 and ES256 tokens signed by a published key', async () => {
      const tokens = jwksVerifier();
      const before = jwksRequests;

      await expect(
        tokens.verify(await mint(OFFICE, { alg: 'RS256', kid: 'rsa-1', key: rsa.privateKey })),
      ).resolves.toMatchObject({ role: 'office', companyId: 26 });
      await expect(
        tokens.verify(await mint(TECHNICIAN, { alg: 'ES256', kid: 'ec-1', key: ec.privateKey })),
      ).resolves.toMatchObject({ role: 'technician', employeeId: 4017 });
      // One fetch of the key set serves both keys.
      expect(jwksRequests).toBe(before + 1);
    });

    it('should refuse a key that is not published', async () => {
      const token = await mint(OFFICE, { alg: 'RS256', kid: 'rsa-1', key: other.privateKey });

      await expect(jwksVerifier().verify(token)).rejects.toThrow(
        new AuthenticationError('Invalid token', 'invalid'),
      );
    });

    it('should refuse HS256 signed with the public key (algorithm confusion)', async () => {
      const publicPem = await exportSPKI(rsa.publicKey);
      const publicJwk = JSON.stringify(await exportJWK(rsa.publicKey));
      for (const secret of [publicPem, publicJwk]) {
        const token = await mint(
          { role: 'admin' },
          { kid: 'rsa-1', key: new TextEncoder().encode(secret) },
        );
        const error = await rejection(jwksVerifier().verify(token));

        expect(error).toBeInstanceOf(AuthenticationError);
        expect(error.message).toBe('Invalid token');
      }
    });

    it('should refuse alg: none and HS256 under the shared-secret name', async () => {
      await expect(jwksVerifier().verify(unsigned({ role: 'admin' }))).rejects.toThrow(
        'Invalid token',
      );
      await expect(jwksVerifier().verify(await mint({ role: 'admin' }))).rejects.toThrow(
        'Invalid token',
      );
    });

    it('should report the keys unavailable (not the token invalid) when the JWKS cannot be fetched', async () => {
      const closed = await new Promise<string>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const port = (probe.address() as AddressInfo).port;
          probe.close(() => resolve(`http://127.0.0.1:${port}/jwks.json`));
        });
      });
      const token = await mint(OFFICE, { alg: 'RS256', kid: 'rsa-1', key: rsa.privateKey });

      const error = await rejection(verifier({ AUTH_JWKS_URL: closed }).verify(token));

      expect(error).toBeInstanceOf(TokenKeysUnavailableError);
    });
  });
});

// Only Date is faked: jose's clock; promises, sockets and timers stay real.
const NOT_DATE: FakeableAPI[] = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];
/** The same signature over a changed payload. */
function tamper(token: string, claims: JWTPayload): string {
  const [header, payload, signature] = token.split('.');
  const changed = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...claims };
  return `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;
}
