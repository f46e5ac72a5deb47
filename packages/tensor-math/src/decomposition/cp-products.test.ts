/**
 * CP-ALS's sweep pieces (cp-products.ts, cp-fit.ts, linalg/sum-of-squares.ts) against the plain
 * definitions: the host-finished MTTKRPs against `mttkrp`, the widened factor matrices, the fit from
 * the Gram matrices against the true residual, and the short-chain sum against a float64 sum.
 */
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mttkrp } from '../algebra/mttkrp.js';
import { gramOf } from '../linalg/normal-equations.js';
import { sumOfSquares } from '../linalg/sum-of-squares.js';
import { useTestBackend } from '../test-utils/setup.js';
import { gaussian } from '../test-utils/synthetic.js';
import { estimatedResidual } from './cp-fit.js';
import { frontMttkrp, lastModeProduct, narrow, widen } from './cp-products.js';
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
  it('widen and narrow add and drop zero columns', () => {
    const values = [1, 2, 3, 4, 5, 6]; // [2, 3]
    const wide = widen(values, 2, 3, 8);
    expect(Array.from(wide)).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0]);
    expect(Array.from(narrow(wide, 2, 3, 8))).toEqual(values);
  });

  it('frontMttkrp finishes every front mode of order 2 to 5 from one product, as mttkrp computes it', async () => {
    const rank = 3;
    for (const shape of [
      [5, 4],
      [4, 5, 6],
      [3, 4, 5, 2],
      [2, 3, 2, 3, 4],
    ]) {
      const x = gaussian(shape, 7);
      const host = await hostFactors(shape, rank, 20);
      const front = shape.slice(0, -1);
      for (const width of [rank, 8]) {
        const product = lastModeProduct(x, host[shape.length - 1], rank, width);
        expect(product.shape).toEqual([front.reduce((p, n) => p * n, 1), width]);
        const partial = (await product.data()) as Float32Array;
        product.dispose();
        for (let mode = 0; mode < front.length; mode++) {
          const factors = host.map((v, k) => tf.tensor2d(Float32Array.from(v), [shape[k], rank]));
          const expected = mttkrp(x, factors, mode);
          const want = await expected.data();
          const got = frontMttkrp(partial, host, front, mode, rank, width);
          expect(got.length).toBe(want.length);
          const scale = Math.max(...Array.from(want, Math.abs));
          for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5 * scale);
          tf.dispose([expected, ...factors]);
        }
      }
      x.dispose();
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
      const product = lastModeProduct(x, host[2], rank, rank);
      const partial = (await product.data()) as Float32Array;
      product.dispose();
      const estimate = estimatedResidual({
        tensorNormSquared,
        mttkrp: frontMttkrp(partial, host, shape.slice(0, -1), 0, rank, rank),
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
