import { describe, expect, it } from 'vitest';
import {
  integerAtLeast,
  integerInRange,
  numberBetween,
  numberFrom,
  oneOf,
  positiveFloat32,
  positiveIntegerList,
} from './options.js';

describe('flag parsers', () => {
  it('accept good values and reject bad ones with a message naming the fix', () => {
    const epochs = integerAtLeast(1, '--epochs');
    expect(epochs('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'abc', '', '1e3'])
      expect(() => epochs(bad)).toThrow(/--epochs must be a whole number >= 1/);
    // Seeds are 32-bit: a larger one would silently repeat the run of its low 32 bits.
    const seed = integerInRange(0, 2 ** 32 - 1, '--seed');
    expect(seed('4294967295')).toBe(4294967295);
    for (const bad of ['4294967296', '-1', '0.5', 'x'])
      expect(() => seed(bad)).toThrow(/--seed must be a whole number from 0 to 4294967295/);
    // Any rate > 0 (Keras has no upper bound), but not one the float32 weights would see as 0 or infinity.
    const lr = positiveFloat32('--lr');
    expect(lr('0.001')).toBe(0.001);
    expect(lr('50')).toBe(50);
    expect(lr('1e20')).toBe(1e20);
    for (const bad of ['0', '-1', '1e-320', '1e39', 'Infinity', 'NaN', 'x', ''])
      expect(() => lr(bad)).toThrow(/--lr must be a number > 0 that a 32-bit float holds/);
    const split = numberFrom(0, 1, '--validation-split');
    expect(split('0')).toBe(0);
    expect(() => split('1')).toThrow(/from 0 up to/);
    const ema = numberBetween(0, 1, '--ema', '0.999');
    expect(ema('0.999')).toBe(0.999);
    for (const bad of ['0', '1', '-0.1', '1.5', 'NaN', 'x', ''])
      expect(() => ema(bad)).toThrow(
        /--ema must be a number between 0 and 1, both excluded \(e\.g\. 0\.999\)/,
      );
    const backend = oneOf(['auto', 'cpu'] as const, '--backend');
    expect(backend('CPU')).toBe('cpu');
    expect(() => backend('gpu')).toThrow(/one of auto, cpu/);
    const filters = positiveIntegerList('--filters');
    expect(filters('16,32, 64')).toEqual([16, 32, 64]);
    expect(filters('8')).toEqual([8]);
    for (const bad of ['', '16,,32', '16,0', '16,-2', '1.5', 'a,b', '16;32'])
      expect(() => filters(bad)).toThrow(/--filters must be whole numbers >= 1 separated by commas/);
  });
});
