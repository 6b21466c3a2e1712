interface Waiter {
  readonly bytes: number;
  readonly grant: () => void;
}

/**
 * A semaphore counted in bytes: `reserve` waits until the bytes fit beside those held, in order
 * of asking. A reservation larger than the whole budget is granted once nothing else is held, so
 * it runs alone instead of never. `grow` counts more bytes without waiting: a holder that waited
 * for more while holding could deadlock with another doing the same.
 */
export class MemoryBudget {
  private held = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly totalBytes: number) {}

  get heldBytes(): number {
    return this.held;
  }

  /** Resolves once `bytes` are counted as held. */
  reserve(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.held += bytes;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ bytes, grant }));
  }

  /** Counts `bytes` more as held at once, delaying later reservations instead. */
  grow(bytes: number): void {
    this.held += bytes;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
    for (let next = this.waiting[0]; next && this.fits(next.bytes); next = this.waiting[0]) {
      this.waiting.shift();
      this.held += next.bytes;
      next.grant();
    }
  }

  private fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.totalBytes;
  }
}

/**
 * What one holder has of a budget: its reservations and growth, all released at once. Bytes
 * granted after the release (a reservation still waiting then) are given back at once.
 */
export class BudgetHold {
  private held = 0;
  private released = false;

  constructor(private readonly budget: MemoryBudget) {}

  async reserve(bytes: number | null): Promise<void> {
    const wanted = bytes ?? 0;
    await this.budget.reserve(wanted);
    if (this.released) {
      this.budget.release(wanted);
    } else {
      this.held += wanted;
    }
  }

  grow(bytes: number): void {
    if (!this.released) {
      this.budget.grow(bytes);
      this.held += bytes;
    }
  }

  release(): void {
    this.released = true;
    this.budget.release(this.held);
    this.held = 0;
  }
}
