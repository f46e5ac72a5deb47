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
import { releaseKernelOutput } from '../products/contraction-kernels.js';
import { useTestBackend } from '../test-utils/setup.js';
import { gaussian } from '../test-utils/synthetic.js';
import { estimatedResidual } from './cp-fit.js';
import { frontMttkrp, frontMttkrpOnBackend, lastModeMttkrp, lastModePartial } from './cp-products.js';
import { FactorSides, readTransposed } from './cp-sides.js';
import { cpToTensor } from './cp-tensor.js';
import { heapView } from './heap-view.js';

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
  it('FactorSides transposes the factors (zero rows after the rank), remakes a side only for a changed factor, and readTransposed undoes it', async () => {
    const host = [Float64Array.from([1, 2, 3, 4, 5, 6]), Float64Array.from([7, 8, 9])]; // [2, 3], [1, 3]
    const sides = new FactorSides(host, [2, 1], 3, 4);
    const first = sides.side(0, 1); // [4, 2]
    expect(Array.from(await first.data())).toEqual([1, 4, 2, 5, 3, 6, 0, 0]);
    expect(Array.from(await readTransposed(first, 3))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(await sides.side(0, 2).data())).toEqual([7, 28, 16, 40, 27, 54, 0, 0]); // (A_1 ⊙ A_2)ᵀ
    expect(sides.side(1, 1)).toBe(sides.ones);
    expect(sides.side(0, 1)).toBe(first); // unchanged factors: the same side, not a new upload
    const before = tf.memory().numTensors;
    host[0] = Float64Array.from([-1, -2, -3, -4, -5, -6]);
    expect(Array.from(await sides.side(0, 1).data())).toEqual([1, 4, 2, 5, 3, 6, 0, 0]); // not told yet
    sides.changed(0);
    const second = sides.side(0, 1);
    expect(Array.from(await second.data())).toEqual([-1, -4, -2, -5, -3, -6, 0, 0]);
    expect(tf.memory().numTensors).toBe(before); // rewritten in place (WASM) or replaced, never leaked
    sides.dispose();
    expect(tf.memory().numTensors).toBe(before - 3); // two sides and the ones
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
        const sides = new FactorSides(host, shape, rank, rows);
        const [unfolding, view] = tf.tidy(() => [
          tf.reshape(
            tf.pad(unfold(x, last), [
              [0, 0],
              [0, stride - size],
            ]),
            [1, shape[last], stride],
          ) as tf.Tensor3D,
          tf.reshape(x, [size / shape[last - 1], shape[last - 1], shape[last]]) as tf.Tensor3D,
        ]);
        const product = lastModePartial(unfolding, sides);
        expect(product.shape).toEqual([rows, stride]);
        const partial = Float32Array.from(heapView(product) ?? (await (product as tf.Tensor).data()));
        for (let mode = 0; mode < front.length; mode++) {
          await expectClose(frontMttkrp(partial, host, front, mode, rank, stride), mttkrp(x, factors, mode));
          await expectClose(
            await frontMttkrpOnBackend(product, sides, front, mode, rank),
            mttkrp(x, factors, mode),
          );
        }
        const lastMode = lastModeMttkrp(view, sides); // [rows, n_N]
        await expectClose(await readTransposed(lastMode, rank), mttkrp(x, factors, last));
        tf.dispose([unfolding, view]);
        releaseKernelOutput(product);
        releaseKernelOutput(lastMode);
        sides.dispose();
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
      const unfolding = tf.tidy(
        () => tf.reshape(unfold(x, 2), [1, shape[2], shape[0] * shape[1]]) as tf.Tensor3D,
      );
      const sides = new FactorSides(host, shape, rank, rank);
      const product = lastModePartial(unfolding, sides);
      const partial = Float32Array.from(heapView(product) ?? (await (product as tf.Tensor).data()));
      tf.dispose(unfolding);
      releaseKernelOutput(product);
      sides.dispose();
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
