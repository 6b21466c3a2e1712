/** The right to one call to the legacy API. */
export interface UpstreamSlot {
  /** Frees the slot; later calls do nothing. */
  release(): void;
}

/** Port and DI token for the cap on legacy API calls in flight, per replica and across replicas. */
export abstract class UpstreamSlots {
  /** A slot as soon as one is free, or null when none was free within `waitMs`. */
  abstract acquire(waitMs: number): Promise<UpstreamSlot | null>;
}
