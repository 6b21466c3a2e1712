import { RecentOutcomes } from './recent-outcomes';

describe(RecentOutcomes.name, () => {
  let now: number;
  let runs: number;
  const outcomes = () => new RecentOutcomes({ reuseMs: 1_000, now: () => now });
  const counted =
    <T>(answer: () => Promise<T>) =>
    () => {
      runs += 1;
      return answer();
    };

  beforeEach(() => {
    now = 1_800_000_000_000;
    runs = 0;
  });

  it('should run once for concurrent calls of the same key', async () => {
    const recent = outcomes();
    let settle!: (value: string) => void;
    const run = counted(() => new Promise<string>((resolve) => (settle = resolve)));

    const calls = [recent.get('blob', run), recent.get('blob', run), recent.get('blob', run)];
    settle('up');

    await expect(Promise.all(calls)).resolves.toEqual(['up', 'up', 'up']);
    expect(runs).toBe(1);
  });

  it('should reuse a settled outcome until reuseMs has passed, then run again', async () => {
    const recent = outcomes();
    const run = counted(() => Promise.resolve(runs));

    await expect(recent.get('blob', run)).resolves.toBe(1);
    now += 1_000;
    await expect(recent.get('blob', run)).resolves.toBe(1);
    now += 1;
    await expect(recent.get('blob', run)).resolves.toBe(2);
  });

  it('should reuse a failure like a success', async () => {
    const recent = outcomes();
    const run = counted(() => Promise.reject(new Error('storage down')));

    await expect(recent.get('blob', run)).rejects.toThrow('storage down');
    await expect(recent.get('blob', run)).rejects.toThrow('storage down');
    expect(runs).toBe(1);
  });

  it('should keep the outcomes of different keys apart', async () => {
    const recent = outcomes();

    await expect(recent.get('blob', () => Promise.resolve('blob'))).resolves.toBe('blob');
    await expect(recent.get('redis', () => Promise.resolve('redis'))).resolves.toBe('redis');
  });
});
