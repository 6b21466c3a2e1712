import { LRUCache } from 'lru-cache';
import { hash } from 'node:crypto';
import { Principal } from './principal';

export interface VerifiedTokenCacheOptions {
  readonly maxEntries: number;
  /** Bounds an entry's life below the token's exp, so a key rotation is picked up. */
  readonly maxAgeMs: number;
  readonly now?: () => number;
}

/**
 * Successful verifications only, keyed by the token's sha256 (the token itself is never kept),
 * each until the token's exp and at most maxAgeMs. Least recently used entries go first.
 */
export class VerifiedTokenCache {
  private readonly entries: LRUCache<string, Principal>;
  private readonly now: () => number;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.now = options.now ?? Date.now;
    this.entries = new LRUCache({
      max: options.maxEntries,
      // Expiry read from the same clock as `exp`, at every lookup.
      perf: { now: this.now },
      ttlResolution: 0,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(token: string): Principal | undefined {
    return this.entries.get(digest(token));
  }

  set(token: string, principal: Principal, expSeconds: number): void {
    const remainingMs = Math.min(expSeconds * 1000 - this.now(), this.options.maxAgeMs);
    // lru-cache keeps an entry while its age is at most ttl: gone at the expiry instant itself.
    if (remainingMs > 1) {
      this.entries.set(digest(token), principal, { ttl: remainingMs - 1 });
    }
  }
}

function digest(token: string): string {
  return hash('sha256', token, 'base64');
}
