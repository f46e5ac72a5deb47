import { describe, expect, it } from 'vitest';
import { collapseBroadcast, collapsePad } from './collapse-axes.js';

describe('collapseBroadcast', () => {
  it('merges axes where both operands are whole', () => {
    expect(collapseBroadcast([2, 2, 2, 2, 2, 2, 3], [2, 2, 2, 2, 2, 2, 3])).toEqual({
      a: [192],
      b: [192],
      out: [192],
    });
  });

  it('keeps the axes where the broadcast changes, and drops size-1 output axes', () => {
    expect(collapseBroadcast([4, 5, 6], [5, 1])).toEqual({ a: [4, 5, 6], b: [1, 5, 1], out: [4, 5, 6] });
    expect(collapseBroadcast([1, 4, 1, 5, 6], [1, 1, 6])).toEqual({ a: [20, 6], b: [1, 6], out: [20, 6] });
    expect(collapseBroadcast([2, 1, 2, 1, 2, 1, 3], [1, 2, 1, 2, 1, 2, 3])).toEqual({
      a: [2, 1, 2, 1, 2, 1, 3],
      b: [1, 2, 1, 2, 1, 2, 3],
      out: [2, 2, 2, 2, 2, 2, 3],
    });
  });

  it('gives one axis for scalars and all-ones shapes', () => {
    expect(collapseBroadcast([], [1, 1])).toEqual({ a: [1], b: [1], out: [1] });
    expect(collapseBroadcast([3, 1, 1, 1, 1, 1, 1, 4], [])).toEqual({ a: [12], b: [1], out: [12] });
  });

  it('keeps empty axes', () => {
    expect(collapseBroadcast([2, 0, 3], [1, 0, 3])).toEqual({ a: [2, 0], b: [1, 0], out: [2, 0] });
  });
});

describe('collapsePad', () => {
  it('merges unpadded inner axes into the padded axis around them', () => {
    const paddings: Array<[number, number]> = [
      [0, 0],
      [1, 2],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 1],
    ];
    expect(collapsePad([2, 2, 2, 2, 2, 2, 3], paddings)).toEqual({
      shape: [2, 32, 3],
      paddings: [
        [0, 0],
        [16, 32],
        [0, 1],
      ],
    });
  });

  it('drops unpadded axes of size 1 and keeps one axis when nothing is padded', () => {
    expect(
      collapsePad(
        [1, 3, 1],
        [
          [0, 0],
          [1, 0],
          [0, 0],
        ],
      ),
    ).toEqual({ shape: [3], paddings: [[1, 0]] });
    expect(
      collapsePad(
        [1, 1],
        [
          [0, 0],
          [0, 0],
        ],
      ),
    ).toEqual({ shape: [1], paddings: [[0, 0]] });
  });
});
