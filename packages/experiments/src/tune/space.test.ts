import { Random } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import {
  boolean,
  checkSpace,
  choice,
  floatRange,
  gridPoints,
  gridValues,
  intRange,
  sampleValue,
} from './space.js';

describe('search space', () => {
  it('samples every kind of range inside its bounds, log ranges log-uniformly', () => {
    const random = new Random(1);
    const ints = Array.from({ length: 400 }, () => sampleValue(intRange(2, 10, { step: 4 }), random));
    expect(new Set(ints)).toEqual(new Set([2, 6, 10]));
    const logs = Array.from(
      { length: 2000 },
      () => sampleValue(floatRange(1e-4, 1, { log: true }), random) as number,
    );
    expect(Math.min(...logs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...logs)).toBeLessThanOrEqual(1);
    // Log-uniform: about a quarter of the draws per decade of the four.
    const belowMilli = logs.filter((v) => v < 1e-3).length / logs.length;
    expect(belowMilli).toBeGreaterThan(0.2);
    expect(belowMilli).toBeLessThan(0.3);
    const picks = Array.from({ length: 100 }, () => sampleValue(choice(['a', 'b']), random));
    expect(new Set(picks)).toEqual(new Set(['a', 'b']));
    expect(new Set(Array.from({ length: 50 }, () => sampleValue(boolean(), random)))).toEqual(
      new Set([true, false]),
    );
  });

  it('enumerates a grid, floats by step or by gridPoints', () => {
    expect(gridValues(floatRange(0.1, 0.5, { step: 0.2 }))).toEqual([0.1, 0.30000000000000004, 0.5]);
    const lr = gridValues(floatRange(1e-3, 1e-1, { log: true })) as number[];
    expect(lr).toHaveLength(3);
    expect(lr[1]).toBeCloseTo(1e-2, 10);
    expect(gridPoints({ a: intRange(1, 2), b: boolean() })).toEqual([
      { a: 1, b: false },
      { a: 1, b: true },
      { a: 2, b: false },
      { a: 2, b: true },
    ]);
  });

  it('refuses a space with no valid point, naming the hyperparameter', () => {
    expect(() => checkSpace({})).toThrow(/empty/);
    expect(() => checkSpace({ act: choice([]) })).toThrow(/"act" has no valid value/);
    expect(() => checkSpace({ units: intRange(10, 2) })).toThrow(/"units".*10..2 is empty/);
    expect(() => checkSpace({ lr: floatRange(0, 1, { log: true }) })).toThrow(/"lr".*min > 0/);
    expect(() => checkSpace({ units: intRange(1, 5, { step: 0 }) })).toThrow(/step 0/);
  });
});
