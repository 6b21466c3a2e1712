import { MetricsService } from '../metrics/metrics.service';
import { MetricNames } from '../metrics/metric-names';
import { ScheduleDocument } from '../domain/schedule-document';
import { CompanyId, ScheduleDate } from '../domain/schedule-key';
import { BoundedUpstreamClient } from './bounded-upstream.client';
import { AnswerReservation, UpstreamClient } from './upstream.client';
import { UpstreamError } from './upstream.errors';
import { UpstreamSlot, UpstreamSlots } from './upstream-slots';

const DATE = '2026-12-04' as ScheduleDate;

/** `free` slots; a call finding none is refused at once, with the wait it was given. */
class FakeSlots extends UpstreamSlots {
  waits: number[] = [];
  constructor(public free: number) {
    super();
  }
  acquire(waitMs: number): Promise<UpstreamSlot | null> {
    this.waits.push(waitMs);
    if (this.free === 0) {
      return Promise.resolve(null);
    }
    this.free -= 1;
    return Promise.resolve({ release: () => (this.free += 1) });
  }
}

/** Answers (or fails) when told to, noting how many slots were free while it was called. */
class HeldUpstream extends UpstreamClient {
  calls = 0;
  pings = 0;
  reservations: (AnswerReservation | undefined)[] = [];
  constructor(private readonly answer: () => Promise<Map<CompanyId, ScheduleDocument>>) {
    super();
  }
  fetchSchedule(
    _date: ScheduleDate,
    reservation?: AnswerReservation,
  ): Promise<Map<CompanyId, ScheduleDocument>> {
    this.calls += 1;
    this.reservations.push(reservation);
    return this.answer();
  }
  fetchUsers(): Promise<string> {
    this.calls += 1;
    return Promise.resolve('{"Result":[]}');
  }
  ping(): Promise<void> {
    this.pings += 1;
    return Promise.resolve();
  }
}

async function metric(metrics: MetricsService, name: string): Promise<number> {
  const found = await metrics.registry.getSingleMetric(name)?.get();
  return found?.values[0]?.value ?? Number.NaN;
}

describe(BoundedUpstreamClient.name, () => {
  it("should pass the caller's memory reservation on to the legacy API client", async () => {
    const upstream = new HeldUpstream(() =>
      Promise.resolve(new Map<CompanyId, ScheduleDocument>()),
    );
    const client = new BoundedUpstreamClient(upstream, new FakeSlots(1), new MetricsService(), 750);
    const reservation: AnswerReservation = { reserve: () => Promise.resolve(0), grow: () => {} };

    await client.fetchSchedule(DATE, reservation);

    expect(upstream.reservations).toEqual([reservation]);
  });

  it('should hold a slot for the whole call, counted in flight, and give it back after', async () => {
    let finish!: (documents: Map<CompanyId, ScheduleDocument>) => void;
    const upstream = new HeldUpstream(() => new Promise((resolve) => (finish = resolve)));
    const slots = new FakeSlots(1);
    const metrics = new MetricsService();
    const client = new BoundedUpstreamClient(upstream, slots, metrics, 750);

    const call = client.fetchSchedule(DATE);
    await new Promise(setImmediate);
    const during = [slots.free, await metric(metrics, MetricNames.upstreamInFlight)];
    finish(new Map());
    await call;

    expect(during).toEqual([0, 1]);
    expect([slots.free, await metric(metrics, MetricNames.upstreamInFlight)]).toEqual([1, 0]);
    expect(slots.waits).toEqual([750]);
  });

  it('should give the slot back when the call fails', async () => {
    const failure = new UpstreamError('timeout', 'no answer');
    const slots = new FakeSlots(1);
    const client = new BoundedUpstreamClient(
      new HeldUpstream(() => Promise.reject(failure)),
      slots,
      new MetricsService(),
      0,
    );

    await expect(client.fetchSchedule(DATE)).rejects.toBe(failure);
    expect(slots.free).toBe(1);
  });

  it('should refuse a call that got no slot as busy, count it, and not call the upstream', async () => {
    const upstream = new HeldUpstream(() =>
      Promise.resolve(new Map<CompanyId, ScheduleDocument>()),
    );
    const metrics = new MetricsService();
    const client = new BoundedUpstreamClient(upstream, new FakeSlots(0), metrics, 10);

    await expect(client.fetchSchedule(DATE)).rejects.toBeInstanceOf(UpstreamError);
    await expect(client.fetchUsers()).rejects.toMatchObject({ kind: 'busy' });
    expect(upstream.calls).toBe(0);
    expect(await metric(metrics, MetricNames.upstreamRefusals)).toBe(2);
  });

  it('should let probes through without a slot', async () => {
    const upstream = new HeldUpstream(() =>
      Promise.resolve(new Map<CompanyId, ScheduleDocument>()),
    );
    const client = new BoundedUpstreamClient(upstream, new FakeSlots(0), new MetricsService(), 0);

    await client.ping(1_000);

    expect(upstream.pings).toBe(1);
  });
});
