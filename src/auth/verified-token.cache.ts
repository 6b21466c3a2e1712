import { hash } from 'node:crypto';
import { Principal } from './principal';

interface Entry {
  readonly principal: Principal;
  readonly expiresAt: number;
}

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
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(token: string): Principal | undefined {
    const key = digest(token);
    const entry = this.entries.get(key);
    if (!entry) {
      return undefined;
    }
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.principal;
  }

  set(token: string, principal: Principal, expSeconds: number): void {
    const now = this.now();
    const expiresAt = Math.min(expSeconds * 1000, now + this.options.maxAgeMs);
    if (expiresAt <= now) {
      return;
    }
    const key = digest(token);
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, { principal, expiresAt });
  }
}

function digest(token: string): string {
  return hash('sha256', token, 'base64');
}
