import { ConfigError, DataError, ShapeError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, scalar } from '../test-utils/close.js';
import { useTestBackend } from '../test-utils/setup.js';
import { exactTtTensor, gaussian } from '../test-utils/synthetic.js';
import { relativeError } from './metrics.js';
import { feasibleRanks, tensorTrain } from './tensor-train.js';
import { TTTensor, ttToTensor } from './tt-tensor.js';

beforeAll(useTestBackend);

describe('tensorTrain (TT-SVD)', () => {
  it('recovers a 20x30x40 tensor of TT ranks (1, 3, 4, 1) to relative error < 1e-5', async () => {
    const x = exactTtTensor([20, 30, 40], [1, 3, 4, 1], 1);
    const tt = await tensorTrain(x, { ranks: [1, 3, 4, 1] });
    expect(tt.cores.map((c) => c.shape)).toEqual([
      [1, 20, 3],
      [3, 30, 4],
      [4, 40, 1],
    ]);
    expect(await scalar(relativeError(x, tt))).toBeLessThan(1e-5);
    expect(tt.parameterCount()).toBe(60 + 360 + 160);
    expect(tt.compressionRatio()).toBeCloseTo(24000 / 580, 6);
  });

  it('recovers a 5th-order tensor and finds its ranks from a tight relativeError', async () => {
    const x = exactTtTensor([4, 5, 6, 5, 4], [1, 2, 3, 3, 2, 1], 2);
    const tt = await tensorTrain(x, { relativeError: 1e-4 });
    expect(tt.ranks).toEqual([1, 2, 3, 3, 2, 1]);
    expect(await scalar(relativeError(x, tt))).toBeLessThan(1e-5);
  });

  it('meets a relativeError bound on a tensor with no low-rank structure, and trades rank for error', async () => {
    const x = gaussian([6, 7, 8, 5], 3);
    let previousParameters = Number.POSITIVE_INFINITY;
    for (const bound of [0.05, 0.2, 0.5]) {
      const tt = await tensorTrain(x, { relativeError: bound });
      const error = await scalar(relativeError(x, tt));
      expect(error).toBeLessThanOrEqual(bound);
      expect(tt.parameterCount()).toBeLessThanOrEqual(previousParameters);
      previousParameters = tt.parameterCount();
    }
  });

  it('caps every rank with a single number, alone or with relativeError', async () => {
    const x = gaussian([4, 5, 6, 3], 4);
    expect((await tensorTrain(x, { ranks: 2 })).ranks).toEqual([1, 2, 2, 2, 1]);
    expect((await tensorTrain(x, { ranks: 100 })).ranks).toEqual(feasibleRanks([4, 5, 6, 3]));
    expect((await tensorTrain(x, { ranks: 3, relativeError: 0.01 })).ranks).toEqual([1, 3, 3, 3, 1]);
    expect(feasibleRanks([4, 5, 6, 3])).toEqual([1, 4, 18, 3, 1]);
  });

  it('raises clear errors for zero and infeasible ranks', async () => {
    const x = gaussian([4, 5, 6], 5);
    await expect(tensorTrain(x, { ranks: [1, 0, 2, 1] })).rejects.toThrow(/r_1 = 0 is invalid/);
    await expect(tensorTrain(x, { ranks: [1, 5, 2, 1] })).rejects.toThrow(/r_1 = 5 .* at most r_0·n_1 = 4/);
    await expect(tensorTrain(x, { ranks: [1, 4, 7, 1] })).rejects.toThrow(/r_2 = 7 .*Pass at most 6/);
    await expect(tensorTrain(x, { ranks: [2, 2, 2, 1] })).rejects.toThrow(/start and end with 1/);
    await expect(tensorTrain(x, { ranks: [1, 2, 1] })).rejects.toThrow(/needs 4/);
    await expect(tensorTrain(x, { ranks: 0 })).rejects.toThrow(ConfigError);
    await expect(tensorTrain(x, {})).rejects.toThrow(/needs \{ranks\} or \{relativeError\}/);
    await expect(tensorTrain(x, { relativeError: 1 })).rejects.toThrow(/\[0, 1\)/);
  });

  it('raises a DataError for NaN or Infinity instead of returning garbage cores', async () => {
    const x = gaussian([3, 4, 5], 6);
    const nan = tf.where(tf.greater(x, 1), tf.fill(x.shape, Number.NaN), x);
    const inf = tf.where(tf.greater(x, 1), tf.fill(x.shape, Number.POSITIVE_INFINITY), x);
    const before = tf.memory().numTensors;
    await expect(tensorTrain(nan, { ranks: 2 })).rejects.toThrow(DataError);
    await expect(tensorTrain(inf, { relativeError: 0.1 })).rejects.toThrow(DataError);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, nan, inf]);
  });

  it('leaks no tensors', async () => {
    const x = gaussian([4, 5, 6, 3], 6);
    const before = tf.memory().numTensors;
    const tt = await tensorTrain(x, { ranks: 2 });
    expect(tf.memory().numTensors).toBe(before + 4);
    tt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ttToTensor multiplies core slices; TTTensor checks its cores', async () => {
    const g1 = tf.reshape(tf.tensor1d([1, 2, 3, 4]), [1, 2, 2]) as tf.Tensor3D;
    const g2 = tf.reshape(tf.tensor1d([1, 0, 0, 1]), [2, 2, 1]) as tf.Tensor3D;
    // X[i, j] = Σ_r G1[0, i, r] · G2[r, j, 0]
    await expectClose(ttToTensor({ cores: [g1, g2] }), [1, 2, 3, 4]);
    expect(() => new TTTensor([g2, g1])).toThrow(ShapeError);
    expect(() => new TTTensor([g1])).toThrow(/end with rank 1/);
  });
});
