import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, useCpu } from '../test-utils/setup.js';
import { constraints, getConstraint } from './index.js';

beforeAll(useCpu);

describe('constraints', () => {
  it('project weights by hand', async () => {
    // Columns (axis 0) have norms 5 and 1.
    const w = tf.tensor2d([
      [3, 0],
      [4, -1],
    ]);
    const maxNorm = await constraints.maxNorm({ maxValue: 2 }).apply(w).array();
    expect((maxNorm as number[][]).flat()).toEqual([1.2, 0, 1.6, -1].map((v) => expect.closeTo(v, 5)));
    const unit = await constraints.unitNorm().apply(w).array();
    expect((unit as number[][]).flat()).toEqual([0.6, 0, 0.8, -1].map((v) => expect.closeTo(v, 5)));
    expect(Array.from(await constraints.nonNeg().apply(w).data())).toEqual([3, 0, 4, 0]);
    const mm = await constraints.minMaxNorm({ minValue: 2, maxValue: 4, rate: 0.5 }).apply(w).array();
    // Norm 5 -> 0.5*4 + 0.5*5 = 4.5; norm 1 -> 0.5*2 + 0.5*1 = 1.5.
    expect((mm as number[][]).flat()).toEqual([2.7, 0, 3.6, -1.5].map((v) => expect.closeTo(v, 5)));
  });

  it('match tfjs-layers', async () => {
    const w = tf.randomNormal([3, 4, 2, 5], 0, 1, 'float32', 1);
    const pairs: Array<[string, Record<string, unknown>]> = [
      ['maxNorm', { maxValue: 1.5, axis: [0, 1, 2] }],
      ['unitNorm', { axis: 3 }],
      ['nonNeg', {}],
      ['minMaxNorm', { minValue: 0.5, maxValue: 2, rate: 0.7, axis: 0 }],
    ];
    for (const [name, config] of pairs) {
      const ours = (constraints as Record<string, (c: never) => { apply(t: tf.Tensor): tf.Tensor }>)[name](
        config as never,
      );
      const theirs = (tfl.constraints as Record<string, (c: never) => { apply(t: tf.Tensor): tf.Tensor }>)[
        name
      ](config as never);
      expect(await maxAbsDiff(ours.apply(w), theirs.apply(w)), name).toBeLessThan(1e-6);
    }
  });

  it('resolve from names and saved configs', () => {
    expect(getConstraint('nonNeg')?.className).toBe('NonNeg');
    expect(getConstraint('max_norm')?.getConfig()).toEqual({ maxValue: 2, axis: 0 });
    expect(
      getConstraint({
        className: 'MinMaxNorm',
        config: { minValue: 1, maxValue: 2, rate: 1, axis: 0 },
      })?.getConfig(),
    ).toEqual({
      minValue: 1,
      maxValue: 2,
      rate: 1,
      axis: 0,
    });
    expect(getConstraint(null)).toBeNull();
    expect(() => constraints.minMaxNorm({ minValue: 3, maxValue: 2 })).toThrow(/minValue <= maxValue/);
  });
});
