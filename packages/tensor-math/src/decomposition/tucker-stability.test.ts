/**
 * Tucker where the per-mode problems are degenerate: ranks above the tensor's multilinear ranks (zero
 * singular values inside the kept ones), equal singular values (a leading subspace that is not
 * unique), and non-negative Tucker at full ranks. HOOI has no least-squares solve (each step keeps
 * leading singular vectors), so these check that the float64 host eigensolver behind those keeps the
 * error history non-increasing. On the CPU and on WASM, whatever `TENSORFOLD_TEST_BACKEND` says.
 */
import { type BackendName, useBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-utils/setup.js';
import { exactTuckerTensor, uniform } from '../test-utils/synthetic.js';
import { nonNegativeTucker } from './non-negative-tucker.js';
import { tucker } from './tucker.js';

/** Float32 round-off of the recorded residual; a real increase is far larger. */
const ROUND_OFF = 1e-5;

afterAll(useTestBackend);

function expectNonIncreasing(errors: number[]): void {
  for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThanOrEqual(errors[i - 1] + ROUND_OFF);
}

describe.each(['cpu', 'wasm'] as BackendName[])('tucker stability on %s', (backend) => {
  it('ranks above the multilinear ranks: exact fit, non-increasing history, orthonormal factors', async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const x = exactTuckerTensor([8, 9, 10], [2, 3, 2], 1);
    for (const init of ['svd', 'random'] as const) {
      const fit = await tucker(x, { ranks: [4, 5, 4], init, seed: 2, nIterMax: 15, tol: 0 });
      expectNonIncreasing(fit.history!.errors);
      expect(fit.history!.errors.at(-1)).toBeLessThan(1e-5);
      for (const factor of fit.factors) {
        const gram = tf.tidy(() => tf.matMul(factor, factor, true));
        const values = await gram.data();
        const r = factor.shape[1];
        for (let i = 0; i < r; i++)
          for (let j = 0; j < r; j++) expect(values[i * r + j]).toBeCloseTo(i === j ? 1 : 0, 4);
        gram.dispose();
      }
      fit.dispose();
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('equal singular values (a diagonal tensor) keep a non-increasing history', async () => {
    await useBackend(backend);
    const values = new Float32Array(6 * 6 * 6);
    for (let i = 0; i < 6; i++) values[i * 36 + i * 6 + i] = 1; // six equal rank-one terms
    const x = tf.tensor(values, [6, 6, 6]);
    const fit = await tucker(x, { ranks: [3, 3, 3], init: 'random', seed: 3, nIterMax: 10, tol: 0 });
    expectNonIncreasing(fit.history!.errors);
    // the best rank-(3,3,3) fit keeps three of the six terms: error sqrt(3/6)
    expect(fit.history!.errors.at(-1)).toBeCloseTo(Math.sqrt(0.5), 4);
    fit.dispose();
    x.dispose();
  });

  it('non-negative Tucker at full ranks keeps a non-increasing history', async () => {
    await useBackend(backend);
    const x = uniform([4, 5, 6], 4);
    const fit = await nonNegativeTucker(x, { ranks: [4, 5, 6], seed: 1, nIterMax: 40, tol: 0 });
    expectNonIncreasing(fit.history!.errors);
    expect(fit.history!.errors.at(-1)).toBeLessThan(fit.history!.errors[0]);
    fit.dispose();
    x.dispose();
  });
});
