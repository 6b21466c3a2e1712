/** About a cycle's dates: weekdays and weekends differ, the largest of them is expected. */
const REMEMBERED_ANSWERS = 8;

interface Waiter {
  /** Asked when its turn comes: an expected size may have become known while it waited. */
  readonly bytes: () => number;
  readonly grant: (bytes: number) => void;
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
  private readonly recentAnswers: number[] = [];

  constructor(readonly totalBytes: number) {}

  get heldBytes(): number {
    return this.held;
  }

  /** Notes an answer's size, what the next reservation of an unknown size expects. */
  rememberAnswer(bytes: number): void {
    this.recentAnswers.push(bytes);
    if (this.recentAnswers.length > REMEMBERED_ANSWERS) {
      this.recentAnswers.shift();
    }
  }

  /** Resolves once `bytes` are counted as held. */
  async reserve(bytes: number): Promise<void> {
    await this.enqueue(() => bytes);
  }

  /**
   * Reserves the answer expected when its turn comes (the largest of those remembered, or the
   * whole budget before any); resolves with the bytes counted as held.
   */
  reserveExpected(): Promise<number> {
    return this.enqueue(() =>
      this.recentAnswers.length === 0 ? this.totalBytes : Math.max(...this.recentAnswers),
    );
  }

  /** Counts `bytes` more as held at once, delaying later reservations instead. */
  grow(bytes: number): void {
    this.held += bytes;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
    for (let next = this.waiting[0]; next && this.fits(next.bytes()); next = this.waiting[0]) {
      this.waiting.shift();
      const granted = next.bytes();
      this.held += granted;
      next.grant(granted);
    }
  }

  private enqueue(bytes: () => number): Promise<number> {
    if (this.waiting.length === 0 && this.fits(bytes())) {
      const granted = bytes();
      this.held += granted;
      return Promise.resolve(granted);
    }
    return new Promise((grant) => this.waiting.push({ bytes, grant }));
  }

  private fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.totalBytes;
  }
}

/**
 * What one holder has of a budget: its reservation and growth, all released at once. Bytes
 * granted after the release (a reservation still waiting then) are given back at once.
 *
 * An answer's reservation is made once its headers are in: its Content-Length, which the next
 * reservations of an untold size then expect, or, untold, the answer expected (the largest
 * recent one, or the whole budget before any is known, so that it goes alone). Bytes beyond the
 * reservation grow the hold without waiting: the budget is exceeded by one misestimate at most.
 */
export class BudgetHold {
  private held = 0;
  private released = false;

  constructor(private readonly budget: MemoryBudget) {}

  /** Resolves with the bytes held once `length` (null: untold) fits beside the others'. */
  async reserve(length: number | null): Promise<number> {
    let granted: number;
    if (length === null) {
      granted = await this.budget.reserveExpected();
    } else {
      this.budget.rememberAnswer(length);
      await this.budget.reserve(length);
      granted = length;
    }
    if (this.released) {
      this.budget.release(granted);
    } else {
      this.held += granted;
    }
    return granted;
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
