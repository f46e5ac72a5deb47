import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from './float16.js';

describe('float16 conversion', () => {
  it('matches known bit patterns', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(0)).toBe(0);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway: rounds to even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(Number.NaN)))).toBe(true);
  });

  it('round-trips within half a unit in the last place', () => {
    for (const v of [0.1, -3.25, 1234.5, 6.1e-5, -7e-7, 0.999]) {
      const back = fromFloat16Bits(toFloat16Bits(v));
      const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(v), 2 ** -14))) - 10);
      expect(Math.abs(back - v)).toBeLessThanOrEqual(ulp / 2);
    }
  });
});
