import { describe, expect, it } from 'vitest';
import { median } from './evaluate.js';

describe('evaluate: the median of the timed rounds', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even one', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([7])).toBe(7);
    expect(median([40, 10, 30, 20])).toBe(25); // not 30, the upper middle
    expect(median([5, 1])).toBe(3);
    const times = [3, 1, 2];
    median(times);
    expect(times).toEqual([3, 1, 2]); // the rounds are left in their order
  });
});
