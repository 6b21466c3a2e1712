import { types } from 'node:util';
import { ownMemory, sharedMemory } from './own-memory';

describe(ownMemory.name, () => {
  it('should copy a slice into memory of its own and keep a whole buffer as it is', () => {
    const parent = Buffer.from('0123456789');
    const whole = Buffer.allocUnsafeSlow(4).fill('w');

    const copy = ownMemory(parent.subarray(2, 5));

    expect([copy.toString(), copy.buffer.byteLength]).toEqual(['234', 3]);
    expect(ownMemory(whole)).toBe(whole);
  });
});

describe(sharedMemory.name, () => {
  it('should keep bytes alone in shared memory as they are', () => {
    const shared = Buffer.from(new SharedArrayBuffer(4)).fill('s');

    expect(sharedMemory(shared)).toBe(shared);
  });

  it.each([
    ['ordinary memory', Buffer.from('0123')],
    ['a slice of shared memory', Buffer.from(new SharedArrayBuffer(8)).fill('0').subarray(2, 6)],
  ])('should copy bytes in %s into shared memory of their own', (_, bytes) => {
    const copy = sharedMemory(bytes);

    expect(types.isSharedArrayBuffer(copy.buffer)).toBe(true);
    expect([copy.equals(bytes), copy.buffer.byteLength, copy.buffer === bytes.buffer]).toEqual([
      true,
      4,
      false,
    ]);
  });
});
