import { ConfigError, loadConfig } from './app-config';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const required = { UPSTREAM_BASE_URL: 'http://upstream.local:4000/', AUTH_JWT_SECRET: SECRET };

describe(loadConfig.name, () => {
  it('should default CACHE_MAX_AGE to twice the PREGEN_CRON interval', () => {
    expect(loadConfig({ ...required, PREGEN_CRON: '*/10 * * * *' }).cache.maxAgeSeconds).toBe(1200);
    expect(loadConfig({ ...required, CACHE_MAX_AGE: '90' }).cache.maxAgeSeconds).toBe(90);
  });

  it('should take REDIS_KEY_PREFIX, else its old name QUEUE_PREFIX, as the Redis key prefix', () => {
    expect(loadConfig({ ...required, QUEUE_PREFIX: 'old' }).redis.keyPrefix).toBe('old');
    expect(
      loadConfig({ ...required, QUEUE_PREFIX: 'old', REDIS_KEY_PREFIX: 'new' }).redis.keyPrefix,
    ).toBe('new');
  });

  it('should apply the documented defaults', () => {
    expect(loadConfig(required)).toEqual({
      port: 3000,
      host: '0.0.0.0',
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'schedule-cache' },
      blob: {
        connectionString: 'UseDevelopmentStorage=true',
        container: 'schedule-cache',
        writeConcurrency: 16,
        timeoutMs: 5000,
      },
      upstream: {
        baseUrl: 'http://upstream.local:4000',
        token: undefined,
        timeoutMs: 30000,
        maxBodyBytes: 512 * 1024 * 1024,
        maxInFlight: 8,
        maxInFlightTotal: 16,
        queueTimeoutMs: 10000,
      },
      logLevel: 'info',
      pregen: {
        enabled: true,
        cron: '*/30 * * * *',
        timeZone: 'UTC',
        days: 7,
        attempts: 3,
        backoffMs: 10000,
        concurrency: 4,
        memoryBytes: 128 * 1024 * 1024,
        lockMs: 30000,
        stalledCheckMs: 30000,
        fetchRetryMs: 5000,
        usersCron: '0 * * * *',
        historyDays: 30,
      },
      cache: {
        memoryBytes: 256 * 1024 * 1024,
        maxAgeSeconds: 3600,
        revalidateMs: 60_000,
        warmUpTimeoutMs: 30_000,
      },
      retention: { days: 30, cron: '0 15 3 * * *' },
      readWindow: { pastDays: 30, futureDays: 62 },
      featureToggles: { ttlMs: 10000 },
      serveMode: 'cache',
      shutdownGraceMs: 25000,
      adminToken: undefined,
      http: { trustProxy: false, corsOrigins: [] },
      rateLimit: { perMinute: 600, adminPerMinute: 60, failedAuthPerMinute: 20 },
      auth: {
        disabled: false,
        jwtSecret: SECRET,
        jwksUrl: undefined,
        issuer: undefined,
        audience: undefined,
      },
    });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', 1],
    ['10.0.0.0/8, 192.168.1.7', '10.0.0.0/8, 192.168.1.7'],
    ['fd00::/8', 'fd00::/8'],
  ])('should read TRUST_PROXY %s as %j', (value, expected) => {
    expect(loadConfig({ ...required, TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it('should read CORS_ORIGINS as a list of exact origins', () => {
    const config = loadConfig({
      ...required,
      CORS_ORIGINS: 'https://portal.example.com, http://localhost:8080',
    });
    expect(config.http.corsOrigins).toEqual([
      'https://portal.example.com',
      'http://localhost:8080',
    ]);
  });

  it('should read numbers from strings', () => {
    const config = loadConfig({ ...required, PORT: '8080', UPSTREAM_TIMEOUT_MS: '1500' });
    expect(config.port).toBe(8080);
    expect(config.upstream.timeoutMs).toBe(1500);
  });

  it.each([
    [{}, 'UPSTREAM_BASE_URL'],
    [{ ...required, PORT: 'eighty' }, 'PORT'],
    [{ ...required, PORT: '70000' }, 'PORT'],
    [{ ...required, REDIS_URL: 'http://redis' }, 'REDIS_URL'],
    [{ ...required, BLOB_CONTAINER: 'Bad_Name' }, 'BLOB_CONTAINER'],
    [{ ...required, UPSTREAM_BASE_URL: 'ftp://x' }, 'UPSTREAM_BASE_URL'],
    [{ ...required, UPSTREAM_TIMEOUT_MS: '-5' }, 'UPSTREAM_TIMEOUT_MS'],
    [{ ...required, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ...required, PREGEN_ENABLED: 'yes' }, 'PREGEN_ENABLED'],
    [{ ...required, PREGEN_CRON: 'every 30 minutes' }, 'PREGEN_CRON'],
    [{ ...required, SCHEDULE_TIMEZONE: 'Mars/Olympus' }, 'SCHEDULE_TIMEZONE'],
    [{ ...required, PREGEN_DAYS: '0' }, 'PREGEN_DAYS'],
    [{ ...required, ADMIN_API_TOKEN: 'short' }, 'ADMIN_API_TOKEN'],
    [{ ...required, FEATURE_TOGGLES_TTL_MS: '-1' }, 'FEATURE_TOGGLES_TTL_MS'],
    [{ ...required, QUEUE_PREFIX: 'a:b' }, 'QUEUE_PREFIX'],
    [{ ...required, REDIS_KEY_PREFIX: 'a b' }, 'REDIS_KEY_PREFIX'],
    [{ ...required, HOST: 'localhost' }, 'HOST'],
    [{ ...required, RATE_LIMIT_PER_MINUTE: '-1' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ ...required, ADMIN_RATE_LIMIT_PER_MINUTE: 'many' }, 'ADMIN_RATE_LIMIT_PER_MINUTE'],
    [{ ...required, TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ ...required, TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ ...required, CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ ...required, CORS_ORIGINS: 'https://portal.example.com/' }, 'CORS_ORIGINS'],
    [{ ...required, CORS_ORIGINS: 'https://a.example.com,ftp://b.example.com' }, 'CORS_ORIGINS'],
    [{ ...required, CORS_ORIGINS: 'portal.example.com' }, 'CORS_ORIGINS'],
    [{ ...required, AUTH_JWT_SECRET: 'too-short-for-hs256' }, 'AUTH_JWT_SECRET'],
    [{ ...required, AUTH_JWKS_URL: 'not a url' }, 'AUTH_JWKS_URL'],
    [{ ...required, AUTH_DISABLED: 'yes' }, 'AUTH_DISABLED'],
    [{ ...required, READ_PAST_DAYS: '-1' }, 'READ_PAST_DAYS'],
    [{ ...required, READ_FUTURE_DAYS: '5' }, 'READ_FUTURE_DAYS'],
    [{ ...required, PREGEN_DAYS: '62', READ_FUTURE_DAYS: '60' }, 'READ_FUTURE_DAYS'],
    [{ ...required, RETENTION_DAYS: '7', READ_PAST_DAYS: '8' }, 'RETENTION_DAYS'],
    [{ ...required, UPSTREAM_MAX_IN_FLIGHT: '0' }, 'UPSTREAM_MAX_IN_FLIGHT'],
    [{ ...required, UPSTREAM_MAX_IN_FLIGHT_TOTAL: '0' }, 'UPSTREAM_MAX_IN_FLIGHT_TOTAL'],
    [{ ...required, UPSTREAM_QUEUE_TIMEOUT_MS: 'soon' }, 'UPSTREAM_QUEUE_TIMEOUT_MS'],
  ])('should refuse %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(
      new RegExp(`^Invalid environment configuration:\\n  ${variable}: `),
    );
  });

  describe('authentication keys', () => {
    const upstream = { UPSTREAM_BASE_URL: required.UPSTREAM_BASE_URL };
    const jwks = 'https://login.example.com/.well-known/jwks.json';

    it('should refuse to boot without a key, naming the variables, even with ADMIN_API_TOKEN', () => {
      const error = captureError(() =>
        loadConfig({ ...upstream, ADMIN_API_TOKEN: 'an-admin-token-long-enough' }),
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/AUTH_JWT_SECRET or AUTH_JWKS_URL is required/);
      expect(error.message).toContain('AUTH_DISABLED=true');
    });

    it('should refuse both a secret and a JWKS URL as ambiguous', () => {
      const error = captureError(() =>
        loadConfig({ ...upstream, AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: jwks }),
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain('AUTH_JWKS_URL');
      expect(error.message).not.toContain(SECRET);
    });

    it('should boot with AUTH_DISABLED=true and no key', () => {
      expect(loadConfig({ ...upstream, AUTH_DISABLED: 'true' }).auth).toEqual({
        disabled: true,
        jwtSecret: undefined,
        jwksUrl: undefined,
        issuer: undefined,
        audience: undefined,
      });
    });

    it('should read a JWKS URL with issuer and audience', () => {
      const config = loadConfig({
        ...upstream,
        AUTH_JWKS_URL: jwks,
        AUTH_JWT_ISSUER: 'https://login.example.com/',
        AUTH_JWT_AUDIENCE: 'schedule-cache',
      });
      expect(config.auth).toEqual({
        disabled: false,
        jwtSecret: undefined,
        jwksUrl: jwks,
        issuer: 'https://login.example.com/',
        audience: 'schedule-cache',
      });
    });
  });

  it('should serve at least the pre-generation window', () => {
    const config = loadConfig({ ...required, PREGEN_DAYS: '14', READ_FUTURE_DAYS: '13' });
    expect(config.readWindow).toEqual({ pastDays: 30, futureDays: 13 });
  });

  describe('storage account', () => {
    const accountUrl = 'https://account.blob.core.windows.net';
    const connectionString = 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=secret-key';

    it('should use the workload identity with AZURE_STORAGE_ACCOUNT_URL and no connection string', () => {
      expect(loadConfig({ ...required, AZURE_STORAGE_ACCOUNT_URL: accountUrl }).blob).toEqual(
        expect.objectContaining({ accountUrl, connectionString: undefined }),
      );
    });

    it('should use AZURE_STORAGE_CONNECTION_STRING, else development storage, without an account URL', () => {
      expect(
        loadConfig({ ...required, AZURE_STORAGE_CONNECTION_STRING: connectionString }).blob,
      ).toEqual(expect.objectContaining({ accountUrl: undefined, connectionString }));
      expect(loadConfig(required).blob.connectionString).toBe('UseDevelopmentStorage=true');
    });

    it('should refuse both, naming both variables and neither value', () => {
      const error = captureError(() =>
        loadConfig({
          ...required,
          AZURE_STORAGE_CONNECTION_STRING: connectionString,
          AZURE_STORAGE_ACCOUNT_URL: accountUrl,
        }),
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain('AZURE_STORAGE_CONNECTION_STRING');
      expect(error.message).toContain('AZURE_STORAGE_ACCOUNT_URL');
      expect(error.message).not.toContain('secret-key');
    });

    it('should refuse an account URL that is not https', () => {
      const error = captureError(() =>
        loadConfig({ ...required, AZURE_STORAGE_ACCOUNT_URL: 'http://account.example' }),
      );
      expect(error.message).toMatch(
        /^Invalid environment configuration:\n {2}AZURE_STORAGE_ACCOUNT_URL: /,
      );
    });
  });

  it('should never echo a rejected value, which may be a secret', () => {
    const secret = 'AccountKey=super-secret-value';
    const error = captureError(() => loadConfig({ ...required, UPSTREAM_TIMEOUT_MS: secret }));
    expect(error.message).toContain('UPSTREAM_TIMEOUT_MS');
    expect(error.message).not.toContain(secret);
  });
});

function captureError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
