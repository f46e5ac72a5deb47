/**
 * CP-ALS where the plain normal equations are singular or nearly so: ranks above a mode's size
 * (20x30x40 at rank 30, 4x5x6 at rank 8) and nearly collinear true factors. Before the proximal solve
 * (linalg/normal-equations.ts) these diverged: errors rising from 0.04 to 18, factor entries of 5e16
 * on the CPU and a DataError (Infinity) on WASM. Run on the CPU and on WASM, whatever
 * `TENSORFOLD_TEST_BACKEND` says.
 */
import { type BackendName, useBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-utils/setup.js';
import { exactCpTensor, gaussian } from '../test-utils/synthetic.js';
import { cp } from './cp.js';
import { cpToTensor } from './cp-tensor.js';
import { nonNegativeCp } from './non-negative-cp.js';

/** Float32 round-off of the recorded residual near an exact fit; a real increase is far larger. */
const ROUND_OFF = 1e-4;

afterAll(useTestBackend);

function expectNonIncreasing(errors: number[]): void {
  for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThanOrEqual(errors[i - 1] + ROUND_OFF);
}

async function largestEntry(factors: tf.Tensor[]): Promise<number> {
  let largest = 0;
  for (const f of factors) {
    const maximum = tf.tidy(() => tf.max(tf.abs(f)));
    largest = Math.max(largest, (await maximum.data())[0]);
    maximum.dispose();
  }
  return largest;
}

/** An exact rank-3 tensor whose first two components are nearly collinear in every mode (a "swamp"). */
function collinearCpTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const factors = shape.map((n, k) => {
      const base = gaussian([n, 3], seed + k) as tf.Tensor2D;
      const [a, , c] = tf.split(base, 3, 1);
      const near = tf.add(a, tf.mul(gaussian([n, 1], seed + 10 + k), 1e-3)); // a + 1e-3·noise
      return tf.concat([a, near, c], 1) as tf.Tensor2D;
    });
    return cpToTensor({ weights: tf.ones([3]), factors });
  });
}

describe.each(['cpu', 'wasm'] as BackendName[])('cp stability on %s', (backend) => {
  it('rank 30 on an exact rank-5 20x30x40 tensor (rank above two mode sizes) converges', async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const x = exactCpTensor([20, 30, 40], 5, 1);
    for (const init of ['svd', 'random'] as const) {
      const fit = await cp(x, 30, { init, seed: 1, nIterMax: 40, tol: 0 });
      const { errors } = fit.history!;
      expectNonIncreasing(errors);
      expect(errors.at(-1)).toBeLessThan(1e-3);
      expect(await largestEntry(fit.factors)).toBeLessThan(1e3);
      fit.dispose();
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rank 8 on 4x5x6 (rank above every mode size), also with normalized factors', async () => {
    await useBackend(backend);
    const x = exactCpTensor([4, 5, 6], 3, 2);
    for (const seed of [1, 2, 3]) {
      for (const normalizeFactors of [false, true]) {
        const fit = await cp(x, 8, { init: 'svd', seed, nIterMax: 60, tol: 0, normalizeFactors });
        expectNonIncreasing(fit.history!.errors);
        expect(fit.history!.errors.at(-1)).toBeLessThan(1e-3);
        expect(await largestEntry([...fit.factors, fit.weights])).toBeLessThan(1e3);
        fit.dispose();
      }
    }
    x.dispose();
  });

  it('nearly collinear factors (ill-conditioned normal equations) never raise the error', async () => {
    await useBackend(backend);
    const x = collinearCpTensor([10, 11, 12], 5);
    const fit = await cp(x, 3, { init: 'random', seed: 4, nIterMax: 60, tol: 0 });
    expectNonIncreasing(fit.history!.errors);
    expect(fit.history!.errors.at(-1)).toBeLessThan(fit.history!.errors[0]);
    expect(await largestEntry(fit.factors)).toBeLessThan(1e4);
    fit.dispose();
    x.dispose();
  });

  it('non-negative CP above the mode sizes keeps a non-increasing error', async () => {
    await useBackend(backend);
    const x = tf.tidy(() => tf.abs(exactCpTensor([4, 5, 6], 3, 3)));
    const fit = await nonNegativeCp(x, 8, { seed: 1, nIterMax: 60, tol: 0 });
    expectNonIncreasing(fit.history!.errors);
    fit.dispose();
    x.dispose();
  });
});
