/** At most `limit` holders at once; the others wait in arrival order, each for a bounded time. */
export class Semaphore {
  private held = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Places taken now. */
  get inUse(): number {
    return this.held;
  }

  /** True once a place is taken (give it back with release()), false if none came in `waitMs`. */
  acquire(waitMs: number): Promise<boolean> {
    if (this.held < this.limit) {
      this.held += 1;
      return Promise.resolve(true);
    }
    if (waitMs <= 0) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(grant), 1);
        resolve(false);
      }, waitMs);
      this.queue.push(grant);
    });
  }

  /** Hands the place to the longest waiter, or frees it. */
  release(): void {
    const next = this.queue.shift();
    if (next) {
      next();
    } else {
      this.held -= 1;
    }
  }
}
