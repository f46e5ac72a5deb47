/**
 * CP-ALS's sweep pieces (cp-products.ts, cp-fit.ts, linalg/sum-of-squares.ts) against the plain
 * definitions: the MTTKRPs finished on the host and on the backend against `mttkrp`, the last mode's
 * against `mttkrp` too, the transposed factor matrices, the fit from the Gram matrices against the
 * true residual, and the short-chain sum against a float64 sum.
 */
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mttkrp } from '../algebra/mttkrp.js';
import { unfold } from '../algebra/unfold.js';
import { gramOf } from '../linalg/normal-equations.js';
import { sumOfSquares } from '../linalg/sum-of-squares.js';
import { useTestBackend } from '../test-utils/setup.js';
import { gaussian } from '../test-utils/synthetic.js';
import { estimatedResidual } from './cp-fit.js';
import {
  frontMttkrp,
  frontMttkrpOnBackend,
  lastModeMttkrp,
  lastModePartial,
  transposedFactor,
  untransposed,
} from './cp-products.js';
import { cpToTensor } from './cp-tensor.js';

beforeAll(useTestBackend);

async function hostFactors(shape: number[], rank: number, seed: number): Promise<Float64Array[]> {
  const factors: Float64Array[] = [];
  for (const [k, n] of shape.entries()) {
    const f = gaussian([n, rank], seed + k);
    factors.push(Float64Array.from(await f.data()));
    f.dispose();
  }
  return factors;
}

function float64Sum(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

describe('CP sweep pieces', () => {
  it('transposedFactor and untransposed transpose, adding and dropping zero rows', () => {
    const values = [1, 2, 3, 4, 5, 6]; // [2, 3]
    const transposed = transposedFactor(values, 2, 3, 4); // [4, 2]
    expect(Array.from(transposed)).toEqual([1, 4, 2, 5, 3, 6, 0, 0]);
    expect(Array.from(untransposed(transposed, 2, 3))).toEqual(values);
  });

  it('the front MTTKRPs (host and backend) and the last mode one of order 2 to 5 agree with mttkrp', async () => {
    const rank = 3;
    for (const shape of [
      [5, 4],
      [4, 5, 6],
      [3, 4, 5, 2],
      [2, 3, 2, 3, 4],
    ]) {
      const x = gaussian(shape, 7);
      const host = await hostFactors(shape, rank, 20);
      const last = shape.length - 1;
      const front = shape.slice(0, -1);
      const size = x.size / shape[last];
      const factors = host.map((v, k) => tf.tensor2d(Float32Array.from(v), [shape[k], rank]));
      const expectClose = async (got: ArrayLike<number>, expected: tf.Tensor) => {
        const want = await expected.data();
        expected.dispose();
        expect(got.length).toBe(want.length);
        const scale = Math.max(...Array.from(want, Math.abs));
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5 * scale);
      };
      // with a zero row (an even row count) and with padded rows of Pᵀ
      for (const [rows, stride] of [
        [rank, size],
        [rank + 1, size + 16],
      ]) {
        const [unfolding, view, ones] = tf.tidy(() => [
          tf.reshape(
            tf.pad(unfold(x, last), [
              [0, 0],
              [0, stride - size],
            ]),
            [1, shape[last], stride],
          ) as tf.Tensor3D,
          tf.reshape(x, [size / shape[last - 1], shape[last - 1], shape[last]]) as tf.Tensor3D,
          tf.ones([rows, 1]) as tf.Tensor2D,
        ]);
        const product = lastModePartial(unfolding, ones, host[last], rank);
        expect(product.shape).toEqual([rows, stride]);
        const partial = Float32Array.from(await product.data());
        for (let mode = 0; mode < front.length; mode++) {
          await expectClose(frontMttkrp(partial, host, front, mode, rank, stride), mttkrp(x, factors, mode));
          await expectClose(
            await frontMttkrpOnBackend(product, ones, host, front, mode, rank),
            mttkrp(x, factors, mode),
          );
        }
        const lastMode = lastModeMttkrp(view, ones, host, front, rank); // [rows, n_N]
        await expectClose(untransposed(await lastMode.data(), shape[last], rank), mttkrp(x, factors, last));
        tf.dispose([product, lastMode, unfolding, view, ones]);
      }
      tf.dispose([x, ...factors]);
    }
  });

  it('estimatedResidual matches the true residual where the fit is loose, and declines where it is close', async () => {
    const shape = [6, 7, 8];
    const rank = 2;
    const host = await hostFactors(shape, rank, 30);
    const weights = new Float64Array(rank).fill(1);
    const factors = host.map((v, k) => tf.tensor2d(Float32Array.from(v), [shape[k], rank]));
    const model = cpToTensor({ weights: tf.ones([rank]) as tf.Tensor1D, factors });
    const grams = host.map((v, k) => gramOf(Float32Array.from(v), shape[k], rank));
    for (const [noise, usable] of [
      [0.3, true],
      [1e-6, false],
    ] as const) {
      const x = tf.tidy(() => tf.add(model, tf.mul(gaussian(shape, 40), noise)));
      const xValues = await x.data();
      const tensorNormSquared = float64Sum(Array.from(xValues, (v) => v * v));
      const [unfolding, ones] = tf.tidy(() => [
        tf.reshape(unfold(x, 2), [1, shape[2], shape[0] * shape[1]]) as tf.Tensor3D,
        tf.ones([rank, 1]) as tf.Tensor2D,
      ]);
      const product = lastModePartial(unfolding, ones, host[2], rank);
      const partial = Float32Array.from(await product.data());
      tf.dispose([product, unfolding, ones]);
      const estimate = estimatedResidual({
        tensorNormSquared,
        mttkrp: frontMttkrp(partial, host, shape.slice(0, -1), 0, rank, shape[0] * shape[1]),
        factor: host[0],
        grams,
        weights,
        rank,
        innerSize: shape[2],
      });
      const modelValues = await model.data();
      const truth = Math.sqrt(float64Sum(Array.from(xValues, (v, i) => (v - modelValues[i]) ** 2)));
      if (usable) {
        expect(estimate).not.toBeNull();
        expect(Math.abs(estimate! - truth) / truth).toBeLessThan(1e-5);
      } else {
        expect(estimate).toBeNull();
      }
      x.dispose();
    }
    tf.dispose([model, ...factors]);
  });

  it('sumOfSquares sums a million squares in float64 at the end (a single float32 sum drifts)', async () => {
    const x = tf.tidy(() => tf.add(tf.mul(gaussian([100, 100, 100], 3), 0.01), 1));
    const y = tf.tidy(() => tf.mul(x, 0.5));
    const xValues = await x.data();
    const exact = float64Sum(Array.from(xValues, (v) => v * v));
    const difference = float64Sum(Array.from(xValues, (v) => (v - 0.5 * v) ** 2));
    expect(Math.abs((await sumOfSquares(x)) - exact) / exact).toBeLessThan(1e-6);
    expect(Math.abs((await sumOfSquares(x, tf.reshape(y, [-1]))) - difference) / difference).toBeLessThan(
      1e-6,
    );
    tf.dispose([x, y]);
  });
});
