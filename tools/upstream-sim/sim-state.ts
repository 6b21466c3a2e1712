export const FAULT_MODES = [
  'none',
  'http-500',
  'timeout',
  'invalid-json',
  'not-success',
  'bad-company-id',
  'fractional-company-id',
  'string-company-id',
  'result-not-array',
  'huge',
] as const;

export type FaultMode = (typeof FAULT_MODES)[number];

export interface LatencyRange {
  min: number;
  max: number;
}

export interface CallCounts {
  total: number;
  byDate: Record<string, number>;
}

export function isFaultMode(value: unknown): value is FaultMode {
  return typeof value === 'string' && (FAULT_MODES as readonly string[]).includes(value);
}

export function validateLatency(min: number, max: number): LatencyRange {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) {
    throw new RangeError(`latency must satisfy 0 <= min <= max, got ${min}-${max}`);
  }
  return { min, max };
}

/** Mutable, resettable state of a running sim: faults, latency, call counters, cancellations. */
export class SimState {
  private fault: FaultMode = 'none';
  /** Calls the current fault still applies to; undefined = until changed. */
  private faultRemaining: number | undefined;
  private latencyRange: LatencyRange;
  private total = 0;
  private readonly byDate = new Map<string, number>();
  private readonly delaysByDate = new Map<string, number[]>();
  private readonly cancelled = new Set<string>();
  private revision = 0;

  constructor(private readonly defaultLatency: LatencyRange) {
    this.latencyRange = { ...defaultLatency };
  }

  setFault(mode: FaultMode, times?: number): void {
    if (!isFaultMode(mode)) {
      throw new RangeError(`unknown fault mode: ${String(mode)}`);
    }
    if (times !== undefined && (!Number.isInteger(times) || times < 1)) {
      throw new RangeError(`fault times must be a positive integer, got ${times}`);
    }
    this.fault = mode;
    this.faultRemaining = mode === 'none' ? undefined : times;
  }

  /** The fault for the call being handled now, counting it against `times`. */
  takeFault(): FaultMode {
    const mode = this.fault;
    if (this.faultRemaining !== undefined) {
      this.faultRemaining--;
      if (this.faultRemaining === 0) {
        this.setFault('none');
      }
    }
    return mode;
  }

  setLatency(min: number, max: number): void {
    this.latencyRange = validateLatency(min, max);
  }

  latency(): LatencyRange {
    return { ...this.latencyRange };
  }

  /** A uniformly random delay within the current latency range, in ms. */
  nextDelayMs(): number {
    const { min, max } = this.latencyRange;
    return Math.round(min + Math.random() * (max - min));
  }

  recordCall(date: string | undefined): void {
    this.total++;
    if (date !== undefined) {
      this.byDate.set(date, (this.byDate.get(date) ?? 0) + 1);
    }
  }

  /** The simulated latency a call for `date` was given, so benchmarks can subtract it. */
  recordDelay(date: string, ms: number): void {
    this.delaysByDate.set(date, [...(this.delaysByDate.get(date) ?? []), ms]);
  }

  delays(): Record<string, number[]> {
    return Object.fromEntries([...this.delaysByDate].map(([date, ms]) => [date, [...ms]]));
  }

  calls(date?: string): number {
    return date === undefined ? this.total : (this.byDate.get(date) ?? 0);
  }

  callCounts(): CallCounts {
    return { total: this.total, byDate: Object.fromEntries(this.byDate) };
  }

  cancel(companyId: number, date: string): void {
    this.cancelled.add(`${companyId}|${date}`);
    this.revision++;
  }

  /** Changes whenever the set of cancellations does, so answers cached under it go stale. */
  get cancellationRevision(): number {
    return this.revision;
  }

  isCancelled(companyId: number, date: string): boolean {
    return this.cancelled.has(`${companyId}|${date}`);
  }

  /** Back to a fresh start: no calls or delays, no fault, the configured latency, nothing cancelled. */
  reset(): void {
    this.setFault('none');
    this.latencyRange = { ...this.defaultLatency };
    this.total = 0;
    this.byDate.clear();
    this.delaysByDate.clear();
    if (this.cancelled.size > 0) {
      this.cancelled.clear();
      this.revision++;
    }
  }
}
