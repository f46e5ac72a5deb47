import { describe, expect, it } from 'vitest';
import { balancedPick } from './labeled.js';

describe('balancedPick', () => {
  it('takes one sample of each class in turn, in source order within a class', () => {
    expect(balancedPick([0, 0, 0, 1, 1, 2], 4)).toEqual([0, 3, 5, 1]);
    // classes in increasing id order, whatever order they appear in
    expect(balancedPick([2, 2, 0, 1, 0], 3)).toEqual([2, 3, 0]);
  });

  it('skips classes that have run out', () => {
    expect(balancedPick([0, 1, 1, 1], 3)).toEqual([0, 1, 2]);
  });

  it('keeps everything, in source order, without a limit or with one at least the count', () => {
    expect(balancedPick([1, 0, 1], undefined)).toEqual([0, 1, 2]);
    expect(balancedPick([1, 0, 1], 3)).toEqual([0, 1, 2]);
    expect(balancedPick([1, 0, 1], 0)).toEqual([]);
  });
});
