import { ConfigError, DataError, ShapeError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, scalar, values } from '../test-utils/close.js';
import { useTestBackend } from '../test-utils/setup.js';
import { exactCpTensor, gaussian, uniform } from '../test-utils/synthetic.js';
import { cp } from './cp.js';
import { CPTensor, cpToTensor } from './cp-tensor.js';
import { relativeError } from './metrics.js';
import { nonNegativeCp } from './non-negative-cp.js';

beforeAll(useTestBackend);

describe('cp (ALS)', () => {
  it('recovers an exact rank-3 20x30x40 tensor to relative error < 1e-4 (float32)', async () => {
    const x = exactCpTensor([20, 30, 40], 3, 1);
    const decomposition = await cp(x, 3, { seed: 0, nIterMax: 200 });
    const error = await scalar(relativeError(x, decomposition));
    expect(error).toBeLessThan(1e-4);
    expect(decomposition.history!.errors.at(-1)).toBeLessThan(1e-4);
    expect(decomposition.shape).toEqual([20, 30, 40]);
    expect(decomposition.rank).toBe(3);
    expect(decomposition.parameterCount()).toBe(3 + 3 * (20 + 30 + 40));
    expect(decomposition.compressionRatio()).toBeCloseTo(24000 / 273, 6);
  });

  it('fits exact rank-2 tensors of order 2, 4 and 5 (every mode but the last finished from one product)', async () => {
    for (const [shape, normalizeFactors] of [
      [[8, 9], false],
      [[4, 5, 6, 7], true],
      [[3, 4, 3, 4, 3], false],
    ] as const) {
      const x = exactCpTensor(shape, 2, 3);
      const fit = await cp(x, 2, { seed: 1, nIterMax: 200, normalizeFactors });
      expect(fit.history!.errors.at(-1)).toBeLessThan(1e-5);
      expect(await scalar(relativeError(x, fit))).toBeLessThan(1e-5);
      fit.dispose();
      x.dispose();
    }
  });

  it('records a non-increasing error history (up to float32 round-off) and reports each sweep', async () => {
    const x = gaussian([6, 7, 8], 2);
    const seen: number[] = [];
    const decomposition = await cp(x, 4, {
      init: 'random',
      seed: 3,
      nIterMax: 25,
      onIteration: ({ relativeError }) => {
        seen.push(relativeError);
      },
    });
    const { errors, iterations } = decomposition.history!;
    expect(errors).toEqual(seen);
    expect(iterations).toBe(errors.length);
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThanOrEqual(errors[i - 1] + 1e-6);
    expect(errors[errors.length - 1]).toBeLessThan(errors[0]);
  });

  it('records the true relative error, within 1e-5 of it, whether from the Gram matrices or the residual', async () => {
    // loose fits (10% noise) take the Gram-matrix fit; close ones (1e-5 noise) the true residual
    for (const noise of [0.1, 1e-5]) {
      const x = tf.tidy(() =>
        tf.add(exactCpTensor([12, 13, 14], 3, 5), tf.mul(gaussian([12, 13, 14], 6), noise)),
      );
      for (const normalizeFactors of [false, true]) {
        const fit = await cp(x, 3, { seed: 2, nIterMax: 12, tol: 0, normalizeFactors });
        const [xs, a, b, c, w] = await Promise.all([x, ...fit.factors, fit.weights].map((t) => t.data()));
        let residual = 0;
        let norm = 0;
        for (let i = 0; i < 12; i++) {
          for (let j = 0; j < 13; j++) {
            for (let k = 0; k < 14; k++) {
              let model = 0;
              for (let r = 0; r < 3; r++) model += w[r] * a[i * 3 + r] * b[j * 3 + r] * c[k * 3 + r];
              const value = xs[(i * 13 + j) * 14 + k];
              residual += (value - model) ** 2;
              norm += value ** 2;
            }
          }
        }
        const truth = Math.sqrt(residual / norm);
        const recorded = fit.history!.errors.at(-1)!;
        expect(Math.abs(recorded - truth)).toBeLessThan(1e-5 * Math.max(truth, 1e-2));
        fit.dispose();
      }
      x.dispose();
    }
  });

  it('stops on tol, on nIterMax, and when onIteration returns false', async () => {
    const x = exactCpTensor([5, 6, 7], 2, 4);
    const converged = await cp(x, 2, { seed: 1, tol: 1e-3 });
    expect(converged.history!.converged).toBe(true);
    expect(converged.history!.iterations).toBeLessThan(100);
    const capped = await cp(gaussian([5, 6, 7], 5), 3, { seed: 1, nIterMax: 4, tol: 0 });
    expect(capped.history).toMatchObject({ iterations: 4, converged: false });
    const stopped = await cp(x, 2, { seed: 1, onIteration: ({ iteration }) => iteration < 2 });
    expect(stopped.history!.iterations).toBe(2);
  });

  it('awaits an async onIteration: its false stops, its error rejects the call, leaking nothing', async () => {
    const x = exactCpTensor([5, 6, 7], 2, 4);
    const onIteration = async ({ iteration }: { iteration: number }) => iteration < 2;
    const stopped = await cp(x, 2, { seed: 1, tol: 0, onIteration });
    expect(stopped.history!.iterations).toBe(2);
    stopped.dispose();
    const before = tf.memory().numTensors;
    const failing = async () => {
      throw new Error('display closed');
    };
    await expect(cp(x, 2, { seed: 1, onIteration: failing })).rejects.toThrow('display closed');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('gives the same factors for the same seed, and different ones for another seed', async () => {
    const x = gaussian([5, 6, 7], 6);
    const read = async (d: CPTensor) => Promise.all(d.factors.map(values));
    const a = await read(await cp(x, 3, { init: 'random', seed: 7, nIterMax: 5 }));
    const b = await read(await cp(x, 3, { init: 'random', seed: 7, nIterMax: 5 }));
    const c = await read(await cp(x, 3, { init: 'random', seed: 8, nIterMax: 5 }));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('keeps unit-norm factor columns and moves the scale to weights with normalizeFactors', async () => {
    const x = exactCpTensor([6, 7, 8], 2, 9);
    const decomposition = await cp(x, 2, { seed: 2, normalizeFactors: true, nIterMax: 50 });
    for (const f of decomposition.factors) {
      await expectClose(tf.sqrt(tf.sum(tf.square(f), 0)), [1, 1], { atol: 1e-5 });
    }
    expect((await values(decomposition.weights)).every((w) => w > 1)).toBe(true);
    expect(await scalar(relativeError(x, decomposition))).toBeLessThan(1e-3);
  });

  it('accepts a rank larger than a mode (pads the SVD start) and a CPTensor start', async () => {
    const x = gaussian([3, 4, 5], 10);
    const wide = await cp(x, 6, { seed: 1, nIterMax: 5 });
    expect(wide.factors.map((f) => f.shape)).toEqual([
      [3, 6],
      [4, 6],
      [5, 6],
    ]);
    const restarted = await cp(x, 6, { init: wide, nIterMax: 1 });
    expect(restarted.history!.errors[0]).toBeLessThanOrEqual(wide.history!.errors.at(-1)! + 1e-5);
  });

  it('raises clear errors for bad ranks and inputs, creating no tensors', async () => {
    const x = gaussian([3, 4], 11);
    const before = tf.memory().numTensors;
    await expect(cp(x, 0)).rejects.toThrow(ConfigError);
    await expect(cp(x, 0)).rejects.toThrow(/rank must be an integer >= 1, got 0/);
    await expect(cp(x, 2.5)).rejects.toThrow(ConfigError);
    await expect(cp(tf.zeros([4]), 1)).rejects.toThrow(ShapeError);
    await expect(cp(tf.zeros([2, 2], 'int32'), 1)).rejects.toThrow(/float32/);
    await expect(cp(x, 2, { nIterMax: 0 })).rejects.toThrow(/nIterMax/);
    await expect(cp(x, 2, { init: 'nndsvd' as 'svd' })).rejects.toThrow(/init must be/);
    await expect(cp(tf.fill([2, 2], Number.NaN), 1, { init: 'random', seed: 1 })).rejects.toThrow(DataError);
    // the 'svd' start meets the NaN in its first SVD, with one unfolding alive, and a padded one later
    await expect(cp(tf.fill([2, 3], Number.NaN), 1)).rejects.toThrow(DataError);
    await expect(cp(tf.fill([2, 3], Number.NaN), 4, { seed: 1 })).rejects.toThrow(DataError);
    expect(tf.memory().numTensors).toBe(before + 5); // the two zeros and the three fill tensors made above
  });

  it('leaks no tensors across sweeps, nor backend buffers (the kernels CP runs without the engine)', async () => {
    const x = gaussian([5, 6, 7], 12);
    const before = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    const decomposition = await cp(x, 3, { seed: 1, nIterMax: 10 });
    expect(tf.memory().numTensors).toBe(before + 4); // weights + 3 factors
    decomposition.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.backend().numDataIds()).toBe(buffers);
  });

  it('cpToTensor is the weighted sum of outer products', async () => {
    const a = tf.tensor2d([[1], [2]]);
    const b = tf.tensor2d([[3], [4], [5]]);
    await expectClose(cpToTensor({ weights: tf.tensor1d([2]), factors: [a, b] }), [6, 8, 10, 12, 16, 20]);
    expect(() => new CPTensor(tf.ones([2]) as tf.Tensor1D, [a, b])).toThrow(/weights .* expected \[1\]/);
    expect(() => new CPTensor(tf.ones([1]) as tf.Tensor1D, [a, tf.zeros([3, 2]) as tf.Tensor2D])).toThrow(
      ShapeError,
    );
  });
});

describe('nonNegativeCp (multiplicative updates)', () => {
  it('fits a non-negative rank-2 tensor with non-negative factors and a non-increasing error', async () => {
    const factors = [8, 9, 10].map((n, k) => uniform([n, 2], 20 + k) as tf.Tensor2D);
    const x = cpToTensor({ weights: tf.ones([2]) as tf.Tensor1D, factors });
    const decomposition = await nonNegativeCp(x, 2, { seed: 4, nIterMax: 300, tol: 0 });
    for (const f of decomposition.factors) expect(Math.min(...(await values(f)))).toBeGreaterThanOrEqual(0);
    const { errors } = decomposition.history!;
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThanOrEqual(errors[i - 1] + 1e-6);
    expect(await scalar(relativeError(x, decomposition))).toBeLessThan(0.02);
  });

  it('refuses a tensor with negative entries', async () => {
    await expect(nonNegativeCp(gaussian([3, 3], 1), 2)).rejects.toThrow(DataError);
  });
});
