import { describe, expect, it } from 'vitest';
import { advantage, type BenchRow } from './harness.js';

describe('advantage', () => {
  const row: BenchRow = {
    suite: 's',
    case: 'c',
    unit: 'samples/s',
    value: 120,
    peer: 100,
    peerName: 'p',
    higherIsBetter: true,
  };

  it('orients value / peer so that > 1 means tensorfold is better', () => {
    expect(advantage(row)).toBeCloseTo(1.2);
    expect(advantage({ ...row, unit: 'ms', higherIsBetter: false })).toBeCloseTo(100 / 120);
    expect(advantage({ ...row, peer: null })).toBeNull();
  });

  it("prints a row's own measured ratio (paired rounds) instead of the medians' quotient", () => {
    expect(advantage({ ...row, ratio: 1.03 })).toBe(1.03);
    expect(advantage({ ...row, peer: null, ratio: 1.03 })).toBeNull();
  });
});
