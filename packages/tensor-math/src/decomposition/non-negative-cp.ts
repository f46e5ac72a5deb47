import { ConfigError, Random, seedOrNext, tf } from '@tensorfold/core';
import { mttkrp } from '../algebra/mttkrp.js';
import { sumOfSquares } from '../linalg/sum-of-squares.js';
import { assertInteger } from '../validate.js';
import { initialCpFactors } from './cp-init.js';
import { CPTensor, cpToTensor } from './cp-tensor.js';
import type { FitHistory, IterationCallback } from './decomposition.js';
import { assertNonNegativeTensor, MULTIPLICATIVE_EPSILON } from './non-negative.js';
import { sweepLimits, sweepUntilConverged } from './sweeps.js';
import { assertDecomposable, assertSeed } from './validate-input.js';

/** Options of {@link nonNegativeCp}. */
export interface NonNegativeCPOptions {
  /** `'random'` (default): uniform [0, 1); `'svd'`: absolute values of the SVD start; or a non-negative `CPTensor`. */
  init?: 'svd' | 'random' | CPTensor;
  /** Maximum number of sweeps. Default 100. */
  nIterMax?: number;
  /** Stop when the relative error changes by less than this between sweeps. Default 1e-8. */
  tol?: number;
  /** Seed for the initialisation. Default: drawn from core's global generator. */
  seed?: number;
  /** Called after each sweep with the relative error; return `false` to stop. */
  onIteration?: IterationCallback;
}

/**
 * Non-negative CP decomposition by multiplicative updates (Lee & Seung's rule applied to CP; TensorLy's
 * `non_negative_parafac`): `A_k ← A_k ⊛ MTTKRP_k ⊘ (A_k·V_k)` with `V_k = ⊛_{j≠k} A_jᵀA_j`. Factors stay
 * non-negative and the error never increases. Everything runs in tfjs kernels; only the error is read
 * back each sweep.
 *
 * Slower to converge than ALS: use it when the parts must be non-negative (counts, intensities, images).
 *
 * @param tensor `[n_1, ..., n_N]`, float32, non-negative, N >= 2.
 * @param rank The number of rank-one terms (>= 1).
 * @throws DataError when the tensor has a negative entry.
 */
export async function nonNegativeCp(
  tensor: tf.Tensor,
  rank: number,
  options: NonNegativeCPOptions = {},
): Promise<CPTensor> {
  assertDecomposable(tensor, 'nonNegativeCp()');
  assertInteger(rank, 1, 'nonNegativeCp() rank');
  const limits = sweepLimits('nonNegativeCp()', options, 1e-8);
  assertSeed(options.seed);
  const init = options.init ?? 'random';
  if (init !== 'svd' && init !== 'random' && !(init instanceof CPTensor)) {
    throw new ConfigError(
      `nonNegativeCp() init must be 'svd', 'random' or a CPTensor, got '${String(init)}'.`,
    );
  }
  await assertNonNegativeTensor(tensor, 'nonNegativeCp()');
  const random = new Random(seedOrNext(options.seed));
  const start = await initialCpFactors(tensor, rank, init, random, 'auto');
  const factors = start.map((f) => tf.tidy(() => tf.abs(f) as tf.Tensor2D));
  tf.dispose(start);
  const weights = tf.ones([rank]) as tf.Tensor1D;
  let history: FitHistory;
  try {
    history = await sweepUntilConverged(tensor, 'nonNegativeCp()', limits, async () => {
      for (let mode = 0; mode < tensor.rank; mode++) {
        const updated = tf.tidy(() => {
          let gram = tf.ones([rank, rank]);
          factors.forEach((f, k) => {
            if (k !== mode) gram = tf.mul(gram, tf.matMul(f, f, true));
          });
          const numerator = tf.maximum(mttkrp(tensor, factors, mode), MULTIPLICATIVE_EPSILON);
          const denominator = tf.maximum(tf.matMul(factors[mode], gram), MULTIPLICATIVE_EPSILON);
          return tf.div(tf.mul(factors[mode], numerator), denominator) as tf.Tensor2D;
        });
        factors[mode].dispose();
        factors[mode] = updated;
      }
      const approximation = cpToTensor({ weights, factors });
      try {
        return Math.sqrt(Math.max(await sumOfSquares(tensor, approximation), 0));
      } finally {
        approximation.dispose();
      }
    });
  } catch (error) {
    tf.dispose([...factors, weights]);
    throw error;
  }
  return new CPTensor(weights, factors, history);
}
