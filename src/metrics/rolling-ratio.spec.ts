import { RollingRatio } from './rolling-ratio';

describe(RollingRatio.name, () => {
  it('should be NaN before any answer', () => {
    expect(new RollingRatio(300_000, 30, 0).value(0)).toBeNaN();
  });

  it('should give hits over answers within the window', () => {
    const ratio = new RollingRatio(300_000, 30, 0);
    ratio.record(true, 1_000);
    ratio.record(true, 50_000);
    ratio.record(false, 120_000);
    ratio.record(true, 200_000);

    expect(ratio.value(250_000)).toBe(0.75);
  });

  it('should forget answers older than the window', () => {
    const ratio = new RollingRatio(300_000, 30, 0);
    ratio.record(false, 1_000);
    ratio.record(true, 299_000);

    expect(ratio.value(305_000)).toBe(1);
    expect(ratio.value(700_000)).toBeNaN();
  });
});
