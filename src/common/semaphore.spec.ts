import { Semaphore } from './semaphore';

describe(Semaphore.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('should grant up to its limit at once and refuse at once when told not to wait', async () => {
    const semaphore = new Semaphore(2);

    expect(await semaphore.acquire(0)).toBe(true);
    expect(await semaphore.acquire(0)).toBe(true);
    expect(await semaphore.acquire(0)).toBe(false);
    expect(semaphore.inUse).toBe(2);
  });

  it('should hand a released place to the waiters in arrival order', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire(0);
    const granted: string[] = [];
    const first = semaphore.acquire(1_000).then((ok) => ok && granted.push('first'));
    const second = semaphore.acquire(1_000).then((ok) => ok && granted.push('second'));

    semaphore.release();
    await first;
    semaphore.release();
    await second;

    expect(granted).toEqual(['first', 'second']);
    expect(semaphore.inUse).toBe(1);
  });

  it('should refuse a waiter whose wait ran out, and never grant it later', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire(0);
    const late = semaphore.acquire(500);

    await jest.advanceTimersByTimeAsync(500);
    semaphore.release();

    expect(await late).toBe(false);
    expect(semaphore.inUse).toBe(0);
    expect(await semaphore.acquire(0)).toBe(true);
  });
});
