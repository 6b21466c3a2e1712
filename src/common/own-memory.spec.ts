import { ownMemory } from './own-memory';

describe(ownMemory.name, () => {
  it('should copy a slice into memory of its own and keep a whole buffer as it is', () => {
    const parent = Buffer.from('0123456789');
    const whole = Buffer.allocUnsafeSlow(4).fill('w');

    const copy = ownMemory(parent.subarray(2, 5));

    expect([copy.toString(), copy.buffer.byteLength]).toEqual(['234', 3]);
    expect(ownMemory(whole)).toBe(whole);
  });
});
