import { ConfigError, loadConfig } from './app-config';

const required = { UPSTREAM_BASE_URL: 'http://upstream.local:4000/' };

describe(loadConfig.name, () => {
  it('should default CACHE_MAX_AGE to twice the PREGEN_CRON interval', () => {
    expect(loadConfig({ ...required, PREGEN_CRON: '*/10 * * * *' }).cache.maxAgeSeconds).toBe(1200);
    expect(loadConfig({ ...required, CACHE_MAX_AGE: '90' }).cache.maxAgeSeconds).toBe(90);
  });

  it('should apply the documented defaults', () => {
    expect(loadConfig(required)).toEqual({
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'schedule-cache',
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
        maxBodyBytes: 64 * 1024 * 1024,
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
        lockMs: 30000,
        stalledCheckMs: 30000,
        usersCron: '0 * * * *',
      },
      cache: { memoryBytes: 256 * 1024 * 1024, maxAgeSeconds: 3600, revalidateMs: 60_000 },
      shutdownGraceMs: 25000,
      adminToken: undefined,
    });
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
    [{ ...required, QUEUE_PREFIX: 'a:b' }, 'QUEUE_PREFIX'],
  ])('should refuse %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(
      new RegExp(`^Invalid environment configuration:\\n  ${variable}: `),
    );
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
