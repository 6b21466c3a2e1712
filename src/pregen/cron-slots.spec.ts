import { CronSlots } from './cron-slots';

const at = (iso: string) => new Date(iso);

describe(CronSlots.name, () => {
  it('should name a tick by its scheduled instant, however late it fires', () => {
    const slots = new CronSlots('*/30 * * * *', 'UTC', at('2026-11-23T10:10:00Z'));

    expect(slots.slotFor(at('2026-11-23T10:30:00.004Z'))).toEqual(at('2026-11-23T10:30:00Z'));
    expect(slots.slotFor(at('2026-11-23T11:00:07Z'))).toEqual(at('2026-11-23T11:00:00Z'));
  });

  it('should give replicas created at different times the same slot', () => {
    const early = new CronSlots('*/30 * * * *', 'UTC', at('2026-11-23T10:01:00Z'));
    const late = new CronSlots('*/30 * * * *', 'UTC', at('2026-11-23T10:29:59Z'));

    expect(early.slotFor(at('2026-11-23T10:30:00.020Z'))).toEqual(
      late.slotFor(at('2026-11-23T10:29:59.990Z')),
    );
  });

  it('should skip to the latest slot after missed ticks', () => {
    const slots = new CronSlots('*/30 * * * *', 'UTC', at('2026-11-23T10:10:00Z'));

    expect(slots.slotFor(at('2026-11-23T12:00:00.100Z'))).toEqual(at('2026-11-23T12:00:00Z'));
  });

  it('should follow a six-field expression with seconds', () => {
    const slots = new CronSlots('*/2 * * * * *', 'UTC', at('2026-11-23T10:00:00.500Z'));

    expect(slots.slotFor(at('2026-11-23T10:00:02.003Z'))).toEqual(at('2026-11-23T10:00:02Z'));
  });
});
