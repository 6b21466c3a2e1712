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

  /** The largest of the last answers remembered; null before the first. */
  get expectedAnswerBytes(): number | null {
    return this.recentAnswers.length === 0 ? null : Math.max(...this.recentAnswers);
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
   * Reserves the answer expected when its turn comes (the whole budget before any answer is
   * known); resolves with the bytes counted as held.
   */
  reserveExpected(): Promise<number> {
    return this.enqueue(() => this.expectedAnswerBytes ?? this.totalBytes);
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
 * What one holder has of a budget: its reservations and growth, all released at once. Bytes
 * granted after the release (a reservation still waiting then) are given back at once.
 *
 * A reservation of unknown size (null: before the request) reserves the answer expected, or the
 * whole budget before any answer is known, since requests sent together answer together; the
 * answer's bytes, as they are told, use that reservation up before growing the hold. Without a
 * Content-Length the first bytes told are a first chunk: the reservation shrinks to it, and the
 * answer then grows the hold without waiting, bounded by PREGEN_CONCURRENCY alone.
 */
export class BudgetHold {
  private held = 0;
  private ahead = 0;
  private answerBytes = 0;
  private toldFirst = 0;
  private released = false;

  constructor(private readonly budget: MemoryBudget) {}

  async reserve(bytes: number | null): Promise<void> {
    let wanted: number;
    if (bytes === null) {
      wanted = await this.budget.reserveExpected();
    } else {
      await this.budget.reserve(bytes);
      wanted = bytes;
    }
    if (this.released) {
      this.budget.release(wanted);
    } else {
      this.held += wanted;
      this.ahead += bytes === null ? wanted : 0;
    }
  }

  grow(bytes: number): void {
    if (this.released) {
      return;
    }
    if (this.answerBytes === 0) {
      this.firstTold(bytes);
    }
    this.answerBytes += bytes;
    const covered = Math.min(bytes, this.ahead);
    this.ahead -= covered;
    if (bytes > covered) {
      this.budget.grow(bytes - covered);
      this.held += bytes - covered;
    }
  }

  release(): void {
    if (!this.released && this.answerBytes > this.toldFirst) {
      this.budget.rememberAnswer(this.answerBytes);
    }
    this.released = true;
    this.budget.release(this.held);
    this.held = 0;
  }

  /**
   * The first bytes told are the answer's Content-Length when it has one: what was reserved
   * beyond them goes back at once, and they are what the next requests expect.
   */
  private firstTold(bytes: number): void {
    this.toldFirst = bytes;
    this.budget.rememberAnswer(bytes);
    if (this.ahead > bytes) {
      const excess = this.ahead - bytes;
      this.ahead = bytes;
      this.held -= excess;
      this.budget.release(excess);
    }
  }
}
