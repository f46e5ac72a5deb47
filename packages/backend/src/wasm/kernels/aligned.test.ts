import { describe, expect, it } from 'vitest';
import { alignedBytes, alignedFloats } from './aligned.js';

describe('aligned sizes', () => {
  it('rounds floats up to 16 (64 bytes) and bytes up to 64, leaving whole lines as they are', () => {
    expect([0, 1, 15, 16, 17, 32, 33].map(alignedFloats)).toEqual([0, 16, 16, 16, 32, 32, 48]);
    expect([0, 1, 63, 64, 65, 128, 129].map(alignedBytes)).toEqual([0, 64, 64, 64, 128, 128, 192]);
  });

  it('gives the same line in both units: 4 * alignedFloats(n) === alignedBytes(4 * n)', () => {
    for (let n = 0; n < 200; n++) expect(4 * alignedFloats(n)).toBe(alignedBytes(4 * n));
  });
});
