/** Hits over all answers in the last `windowMs`, from per-slot counts: O(slots) memory. */
export class RollingRatio {
  private readonly hits: number[];
  private readonly totals: number[];
  private readonly slotMs: number;
  private currentSlot = 0;

  constructor(windowMs: number, slots: number, now = Date.now()) {
    this.slotMs = windowMs / slots;
    this.hits = new Array<number>(slots).fill(0);
    this.totals = new Array<number>(slots).fill(0);
    this.currentSlot = Math.floor(now / this.slotMs);
  }

  record(hit: boolean, now = Date.now()): void {
    const index = this.advance(now);
    this.totals[index] += 1;
    if (hit) {
      this.hits[index] += 1;
    }
  }

  /** NaN when nothing was answered in the window (Prometheus shows no ratio, not a false 0). */
  value(now = Date.now()): number {
    this.advance(now);
    const total = this.totals.reduce((sum, n) => sum + n, 0);
    return total === 0 ? Number.NaN : this.hits.reduce((sum, n) => sum + n, 0) / total;
  }

  private advance(now: number): number {
    const slot = Math.floor(now / this.slotMs);
    const stale = Math.min(slot - this.currentSlot, this.totals.length);
    for (let i = 1; i <= stale; i++) {
      const index = (this.currentSlot + i) % this.totals.length;
      this.hits[index] = 0;
      this.totals[index] = 0;
    }
    this.currentSlot = Math.max(slot, this.currentSlot);
    return this.currentSlot % this.totals.length;
  }
}
