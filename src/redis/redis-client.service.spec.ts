import { standaloneConfig } from '../../test/support/standalone-config';
import { bullRedisOptions, RedisClientService } from './redis-client.service';
import { RedisUnavailableError } from './redis-unavailable.error';

describe(RedisClientService.name, () => {
  it('should put every key and channel under the deployment prefix', () => {
    const redis = new RedisClientService(standaloneConfig({ REDIS_KEY_PREFIX: 'prod-eu' }));

    expect(redis.key('refresh-lock', '2026-12-04')).toBe('prod-eu:refresh-lock:2026-12-04');
    expect(redis.bullConnection().prefix).toBe('prod-eu');
  });
});

describe(RedisClientService.prototype.whileAvailable.name, () => {
  // Nothing listens on port 1: every connect is refused.
  const redis = new RedisClientService(standaloneConfig({ REDIS_URL: 'redis://127.0.0.1:1' }));

  afterAll(() => redis.onApplicationShutdown());

  it('should refuse at once, without starting the work, while Redis cannot be reached', async () => {
    const work = jest.fn(() => Promise.resolve('done'));

    await expect(redis.whileAvailable('queue-control', 'list jobs', work)).rejects.toEqual(
      new RedisUnavailableError('list jobs: Redis is unavailable'),
    );
    expect(work).not.toHaveBeenCalled();
  });
});

describe(bullRedisOptions.name, () => {
  it('should keep TLS, credentials and the database of a rediss:// URL', () => {
    expect(bullRedisOptions('rediss://app:p%40ss%3Aword@cache.example.net:6380/2')).toEqual({
      host: 'cache.example.net',
      port: 6380,
      db: 2,
      username: 'app',
      password: 'p@ss:word',
      tls: { servername: 'cache.example.net' },
    });
  });

  it('should default the port and database of a plain redis:// URL', () => {
    expect(bullRedisOptions('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
  });
});
