import { BudgetHold, MemoryBudget } from './memory-budget';

/** Which of `reservations` have been granted so far. */
async function granted(reservations: Promise<unknown>[]): Promise<boolean[]> {
  const done = reservations.map(() => false);
  reservations.forEach((reservation, i) => void reservation.then(() => (done[i] = true)));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe(MemoryBudget.name, () => {
  it('should grant reservations at once while they fit', async () => {
    const budget = new MemoryBudget(100);

    expect(await granted([budget.reserve(40), budget.reserve(60)])).toEqual([true, true]);
    expect(budget.heldBytes).toBe(100);
  });

  it('should hold a reservation that does not fit until enough is released', async () => {
    const budget = new MemoryBudget(100);
    await budget.reserve(70);
    const waiting = [budget.reserve(50)];

    expect(await granted(waiting)).toEqual([false]);
    budget.release(20);
    expect(await granted(waiting)).toEqual([true]);
    expect(budget.heldBytes).toBe(100);
  });

  it('should grant in order of asking, a small reservation not overtaking a large one', async () => {
    const budget = new MemoryBudget(100);
    await budget.reserve(90);
    const waiting = [budget.reserve(60), budget.reserve(5)];

    expect(await granted(waiting)).toEqual([false, false]);
    budget.release(90);
    expect(await granted(waiting)).toEqual([true, true]);
    expect(budget.heldBytes).toBe(65);
  });

  it('should grant a reservation larger than the budget once nothing else is held', async () => {
    const budget = new MemoryBudget(100);
    await budget.reserve(10);
    const waiting = [budget.reserve(500)];

    expect(await granted(waiting)).toEqual([false]);
    budget.release(10);
    expect(await granted(waiting)).toEqual([true]);
    expect(budget.heldBytes).toBe(500);
  });

  it('should count grown bytes without waiting and make later reservations wait for them', async () => {
    const budget = new MemoryBudget(100);
    await budget.reserve(60);
    budget.grow(60);
    const waiting = [budget.reserve(10)];

    expect(budget.heldBytes).toBe(120);
    expect(await granted(waiting)).toEqual([false]);
    budget.release(120);
    expect(await granted(waiting)).toEqual([true]);
  });
});

describe(BudgetHold.name, () => {
  it('should release everything it reserved and grew at once', async () => {
    const budget = new MemoryBudget(100);
    const hold = new BudgetHold(budget);
    await hold.reserve(30);
    hold.grow(20);

    expect(budget.heldBytes).toBe(50);
    hold.release();
    expect(budget.heldBytes).toBe(0);
  });

  it('should reserve the whole budget for an answer of unknown size before any answer is known', async () => {
    const budget = new MemoryBudget(100);
    const first = new BudgetHold(budget);
    await first.reserve(null);
    const waiting = [new BudgetHold(budget).reserve(null)];

    expect(budget.heldBytes).toBe(100);
    expect(await granted(waiting)).toEqual([false]);
    first.release();
    expect(await granted(waiting)).toEqual([true]);
  });

  it('should expect the largest recent Content-Length for an answer of untold size', async () => {
    const budget = new MemoryBudget(100);
    for (const length of [20, 30, 25]) {
      const hold = new BudgetHold(budget);
      expect(await hold.reserve(length)).toBe(length);
      hold.release();
    }
    const holds = Array.from({ length: 4 }, () => new BudgetHold(budget));
    const reservations = holds.map((hold) => hold.reserve(null));

    expect(await granted(reservations)).toEqual([true, true, true, false]);
    expect(await reservations[0]).toBe(30);
    expect(budget.heldBytes).toBe(90);
  });

  it('should count bytes beyond its reservation without waiting, delaying the next instead', async () => {
    const budget = new MemoryBudget(100);
    const first = new BudgetHold(budget);
    await first.reserve(60);
    first.grow(30);
    const waiting = [new BudgetHold(budget).reserve(20)];

    expect(budget.heldBytes).toBe(90);
    expect(await granted(waiting)).toEqual([false]);
    first.release();
    expect(await granted(waiting)).toEqual([true]);
  });

  it('should give back bytes granted after it was released', async () => {
    const budget = new MemoryBudget(100);
    const other = new BudgetHold(budget);
    await other.reserve(100);
    const late = new BudgetHold(budget);
    const waiting = late.reserve(40);
    late.release();
    other.release();
    await waiting;

    expect(budget.heldBytes).toBe(0);
  });
});
