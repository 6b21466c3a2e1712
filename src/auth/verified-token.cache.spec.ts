import { Principal } from './principal';
import { VerifiedTokenCache } from './verified-token.cache';

const principal = (subject: string): Principal => ({ role: 'admin', subject });

describe(VerifiedTokenCache.name, () => {
  let now: number;
  const cache = (maxEntries = 10, maxAgeMs = 300_000) =>
    new VerifiedTokenCache({ maxEntries, maxAgeMs, now: () => now });

  beforeEach(() => {
    now = 1_800_000_000_000;
  });

  it('should keep an entry until the token expires', () => {
    const tokens = cache();
    const alice = principal('alice');
    tokens.set('t1', alice, now / 1000 + 60);

    now += 59_999;
    expect(tokens.get('t1')).toBe(alice);
    now += 1;
    expect(tokens.get('t1')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('should keep an entry no longer than maxAgeMs, whatever the exp', () => {
    const tokens = cache(10, 300_000);
    const alice = principal('alice');
    tokens.set('t1', alice, now / 1000 + 3600);

    now += 299_999;
    expect(tokens.get('t1')).toBe(alice);
    now += 1;
    expect(tokens.get('t1')).toBeUndefined();
  });

  it('should not keep a token that has already expired', () => {
    const tokens = cache();
    tokens.set('t1', principal('alice'), now / 1000);

    expect(tokens.get('t1')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('should evict the least recently used entry when full', () => {
    const tokens = cache(2);
    const exp = now / 1000 + 60;
    tokens.set('t1', principal('1'), exp);
    tokens.set('t2', principal('2'), exp);
    tokens.get('t1');
    tokens.set('t3', principal('3'), exp);

    expect(tokens.size).toBe(2);
    expect(tokens.get('t2')).toBeUndefined();
    expect(tokens.get('t1')?.subject).toBe('1');
    expect(tokens.get('t3')?.subject).toBe('3');
  });

  it('should tell tokens apart', () => {
    const tokens = cache();
    tokens.set('t1', principal('1'), now / 1000 + 60);

    expect(tokens.get('t2')).toBeUndefined();
    expect(tokens.get('t1 ')).toBeUndefined();
  });
});
