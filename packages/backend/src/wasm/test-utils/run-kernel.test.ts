import { describe, expect, it } from 'vitest';
import { sameBits } from './run-kernel.js';

describe('sameBits', () => {
  it('compares bits: -0 is not 0, a NaN equals the same NaN, lengths count', () => {
    expect(sameBits(Float32Array.of(1, 0, Number.NaN), Float32Array.of(1, 0, Number.NaN))).toBe(true);
    expect(sameBits(Float32Array.of(1, 0), Float32Array.of(1, -0))).toBe(false);
    expect(sameBits(Float32Array.of(1, 2), Float32Array.of(1, 2, 3))).toBe(false);
  });

  it('compares the elements a view holds, not its whole buffer', () => {
    const whole = Float32Array.of(1, 2, 3, 1, 2, 4);
    // two views of one buffer: the same buffer, different elements
    expect(sameBits(whole.subarray(0, 3), whole.subarray(3, 6))).toBe(false);
    expect(sameBits(whole.subarray(0, 2), whole.subarray(3, 5))).toBe(true);
    expect(sameBits(whole.subarray(0, 2), Float32Array.of(1, 2))).toBe(true);
  });
});
