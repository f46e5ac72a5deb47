import { ConfigError, DataError, ShapeError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, scalar, values } from '../test-utils/close.js';
import { useTestBackend } from '../test-utils/setup.js';
import { exactTuckerTensor, gaussian, uniform } from '../test-utils/synthetic.js';
import { hosvd } from './hosvd.js';
import { relativeError } from './metrics.js';
import { nonNegativeTucker } from './non-negative-tucker.js';
import { tucker } from './tucker.js';
import { TuckerTensor, tuckerToTensor } from './tucker-tensor.js';

beforeAll(useTestBackend);

const shape = [20, 30, 40];
const ranks = [3, 4, 5];

describe('tucker (HOOI) and hosvd', () => {
  it('recover a 20x30x40 tensor of multilinear ranks (3, 4, 5) to relative error < 1e-5', async () => {
    const x = exactTuckerTensor(shape, ranks, 1);
    const fromHooi = await tucker(x, { ranks, seed: 0 });
    expect(await scalar(relativeError(x, fromHooi))).toBeLessThan(1e-5);
    expect(fromHooi.history!.errors.at(-1)).toBeLessThan(1e-5);
    expect(fromHooi.ranks).toEqual(ranks);
    const fromHosvd = await hosvd(x, { ranks });
    expect(await scalar(relativeError(x, fromHosvd))).toBeLessThan(1e-5);
    expect(fromHosvd.parameterCount()).toBe(60 + 20 * 3 + 30 * 4 + 40 * 5);
    expect(fromHosvd.compressionRatio()).toBeCloseTo(24000 / 440, 6);
  });

  it('also converges from a random orthonormal start, with orthonormal factors', async () => {
    const x = exactTuckerTensor([8, 9, 10], [2, 3, 2], 2);
    const decomposition = await tucker(x, { ranks: [2, 3, 2], init: 'random', seed: 5, tol: 1e-7 });
    expect(await scalar(relativeError(x, decomposition))).toBeLessThan(1e-5);
    for (const f of decomposition.factors) {
      await expectClose(tf.matMul(f, f, true), tf.eye(f.shape[1]), { atol: 1e-5 });
    }
  });

  it('has a non-increasing error on a tensor it cannot fit exactly, and stops on tol', async () => {
    const x = gaussian([6, 7, 8], 3);
    const decomposition = await tucker(x, { ranks: 3, tol: 1e-6, init: 'random', seed: 1 });
    const { errors } = decomposition.history!;
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThanOrEqual(errors[i - 1] + 1e-6);
    expect(decomposition.ranks).toEqual([3, 3, 3]);
  });

  it('gives the same result for the same seed', async () => {
    const x = gaussian([5, 6, 7], 4);
    const run = async () =>
      values((await tucker(x, { ranks: 2, init: 'random', seed: 9, nIterMax: 3 })).core);
    expect(await run()).toEqual(await run());
  });

  it('raises clear errors for zero ranks, ranks above a mode, and degenerate cores', async () => {
    const x = gaussian([4, 5, 6], 5);
    await expect(tucker(x, { ranks: [0, 2, 2] })).rejects.toThrow(/rank 0 for mode 0 is invalid/);
    await expect(tucker(x, { ranks: [5, 2, 2] })).rejects.toThrow(
      /rank 5 for mode 0 is larger than that mode's size 4.*at most 4/,
    );
    await expect(tucker(x, { ranks: [4, 1, 1] })).rejects.toThrow(/exceeds the product 1 .* at most 1/);
    await expect(tucker(x, { ranks: [2, 2] })).rejects.toThrow(/2 entries .* 3 modes/);
    await expect(hosvd(x, { ranks: [2, 2, 7] })).rejects.toThrow(ConfigError);
    await expect(tucker(x, {} as { ranks: number })).rejects.toThrow(/needs ranks/);
  });

  it('caps one rank for every mode (and the full default) where the other modes allow less', async () => {
    // mode 2 of a 2x3x10 tensor has rank at most 2·3 = 6: its full multilinear ranks are (2, 3, 6)
    const x = gaussian([2, 3, 10], 8);
    const full = await hosvd(x);
    expect(full.ranks).toEqual([2, 3, 6]);
    expect(await scalar(relativeError(x, full))).toBeLessThan(1e-5);
    const capped = await tucker(x, { ranks: 10, nIterMax: 2 });
    expect(capped.ranks).toEqual([2, 3, 6]);
    expect((await hosvd(x, { ranks: 3 })).ranks).toEqual([2, 3, 3]);
    // ranks given per mode are used as given, or refused
    await expect(hosvd(x, { ranks: [2, 3, 10] })).rejects.toThrow(/larger than that mode's size|exceeds/);
    await expect(hosvd(x, { ranks: [2, 3, 7] })).rejects.toThrow(/exceeds the product 6/);
    for (const d of [full, capped]) d.dispose();
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const x = gaussian([5, 6, 7], 6);
    const before = tf.memory().numTensors;
    const decomposition = await tucker(x, { ranks: 2, nIterMax: 5, tol: 0 });
    expect(tf.memory().numTensors).toBe(before + 4);
    decomposition.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('tuckerToTensor of an identity core and permutation-free factors returns the core', async () => {
    const core = gaussian([2, 3], 7);
    await expectClose(tuckerToTensor({ core, factors: [tf.eye(2), tf.eye(3)] }), core);
    expect(() => new TuckerTensor(core, [tf.eye(2) as tf.Tensor2D])).toThrow(ShapeError);
  });

  it('hosvd and tucker raise a DataError for NaN input, leaking nothing', async () => {
    const nan = tf.fill([3, 4, 5], Number.NaN);
    const before = tf.memory().numTensors;
    await expect(hosvd(nan, { ranks: 2 })).rejects.toThrow(DataError);
    await expect(tucker(nan, { ranks: 2, init: 'random', seed: 1 })).rejects.toThrow(DataError);
    await expect(tucker(nan, { ranks: 2 })).rejects.toThrow(DataError);
    expect(tf.memory().numTensors).toBe(before);
    nan.dispose();
  });
});

describe('nonNegativeTucker (multiplicative updates)', () => {
  it('keeps core and factors non-negative and lowers the error', async () => {
    const factors = [7, 8, 9].map((n, k) => uniform([n, 2], 30 + k) as tf.Tensor2D);
    const x = tuckerToTensor({ core: uniform([2, 2, 2], 33), factors });
    const decomposition = await nonNegativeTucker(x, { ranks: 2, seed: 1, nIterMax: 200, tol: 0 });
    for (const t of [decomposition.core, ...decomposition.factors]) {
      expect(Math.min(...(await values(t)))).toBeGreaterThanOrEqual(0);
    }
    const { errors } = decomposition.history!;
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThanOrEqual(errors[i - 1] + 1e-6);
    expect(errors.at(-1)).toBeLessThan(errors[0] / 2);
    expect(errors.at(-1)).toBeLessThan(0.1);
    const fromSvd = await nonNegativeTucker(x, { ranks: 2, init: 'svd', nIterMax: 20, tol: 0 });
    expect(fromSvd.history!.errors.at(-1)).toBeLessThan(0.1);
  });

  it('refuses negative input', async () => {
    await expect(nonNegativeTucker(gaussian([3, 3], 2), { ranks: 1 })).rejects.toThrow(DataError);
  });
});
