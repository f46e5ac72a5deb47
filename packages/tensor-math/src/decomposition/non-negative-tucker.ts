import { ConfigError, Random, seedOrNext, tf } from '@tensorfold/core';
import { multiModeDot } from '../algebra/multi-mode-dot.js';
import { unfold } from '../algebra/unfold.js';
import type { FitHistory, IterationCallback } from './decomposition.js';
import { leadingFactors } from './hosvd.js';
import { assertNonNegativeTensor, MULTIPLICATIVE_EPSILON } from './non-negative.js';
import { randomUniform, randomUniformTensor } from './random-init.js';
import { sweepLimits, sweepUntilConverged } from './sweeps.js';
import { residualNorm } from './tucker.js';
import { resolveTuckerRanks } from './tucker-ranks.js';
import { TuckerTensor } from './tucker-tensor.js';
import { assertDecomposable, assertSeed } from './validate-input.js';

/** Options of {@link nonNegativeTucker}. */
export interface NonNegativeTuckerOptions {
  /**
   * Multilinear ranks: one per mode, or one number for all (capped at each mode's size and at the
   * product of the other ranks). Required.
   */
  ranks: number | readonly number[];
  /** `'random'` (default): uniform [0, 1) core and factors; `'svd'`: absolute values of the HOSVD. */
  init?: 'svd' | 'random';
  /** Maximum number of sweeps. Default 100. */
  nIterMax?: number;
  /** Stop when the relative error changes by less than this between sweeps. Default 1e-4. */
  tol?: number;
  /** Seed for the initialisation. Default: drawn from core's global generator. */
  seed?: number;
  /** Called after each sweep with the relative error; return `false` to stop. */
  onIteration?: IterationCallback;
}

/**
 * Non-negative Tucker decomposition by multiplicative updates (Kim & Choi 2007; TensorLy's
 * `non_negative_tucker`): core and factors stay non-negative, the error never increases. Every update is
 * a handful of n-mode products in tfjs kernels:
 * `A_k ← A_k ⊛ (Y_(k)·G_(k)ᵀ) ⊘ (A_k·Z_(k)·G_(k)ᵀ)` with `Y = X ×_{j≠k} A_jᵀ`, `Z = G ×_{j≠k} A_jᵀA_j`, and
 * `G ← G ⊛ (X ×_j A_jᵀ) ⊘ (G ×_j A_jᵀA_j)`. The factors are not orthogonal.
 *
 * @param tensor `[n_1, ..., n_N]`, float32, non-negative, N >= 2.
 * @throws DataError when the tensor has a negative entry; ConfigError for bad ranks.
 */
export async function nonNegativeTucker(
  tensor: tf.Tensor,
  options: NonNegativeTuckerOptions,
): Promise<TuckerTensor> {
  assertDecomposable(tensor, 'nonNegativeTucker()');
  if (options?.ranks === undefined) {
    throw new ConfigError('nonNegativeTucker() needs ranks: pass {ranks: [r_1, ..., r_N]} or {ranks: r}.');
  }
  const ranks = resolveTuckerRanks(tensor, options.ranks, 'nonNegativeTucker()');
  const limits = sweepLimits('nonNegativeTucker()', options, 1e-4);
  assertSeed(options.seed);
  const init = options.init ?? 'random';
  if (init !== 'svd' && init !== 'random') {
    throw new ConfigError(`nonNegativeTucker() init must be 'svd' or 'random', got '${String(init)}'.`);
  }
  await assertNonNegativeTensor(tensor, 'nonNegativeTucker()');
  let core: tf.Tensor;
  let factors: tf.Tensor2D[];
  if (init === 'svd') {
    const start = await leadingFactors(tensor, ranks, 'auto');
    factors = start.map((f) => tf.tidy(() => tf.abs(f) as tf.Tensor2D));
    tf.dispose(start);
    core = tf.tidy(() => tf.abs(multiModeDot(tensor, factors, { transpose: true })));
  } else {
    const random = new Random(seedOrNext(options.seed));
    core = randomUniformTensor(ranks, random);
    factors = tensor.shape.map((n, k) => randomUniform(n, ranks[k], random));
  }
  const order = tensor.rank;
  let history: FitHistory;
  try {
    history = await sweepUntilConverged(tensor, 'nonNegativeTucker()', limits, async () => {
      for (let mode = 0; mode < order; mode++) {
        const updated = tf.tidy(() => {
          const grams = factors.map((f) => tf.matMul(f, f, true)); // [r_j, r_j]
          const projected = multiModeDot(tensor, factors, { skip: mode, transpose: true });
          const coreUnfolded = unfold(core, mode); // [r_mode, ∏ r_j]
          const numerator = tf.matMul(unfold(projected, mode), coreUnfolded, false, true); // [n_mode, r_mode]
          const weighted = unfold(multiModeDot(core, grams, { skip: mode }), mode); // [r_mode, ∏ r_j]
          const denominator = tf.matMul(factors[mode], tf.matMul(weighted, coreUnfolded, false, true));
          return tf.div(
            tf.mul(factors[mode], tf.maximum(numerator, MULTIPLICATIVE_EPSILON)),
            tf.maximum(denominator, MULTIPLICATIVE_EPSILON),
          ) as tf.Tensor2D;
        });
        factors[mode].dispose();
        factors[mode] = updated;
      }
      const updatedCore = tf.tidy(() => {
        const numerator = multiModeDot(tensor, factors, { transpose: true });
        const denominator = multiModeDot(
          core,
          factors.map((f) => tf.matMul(f, f, true)),
        );
        return tf.div(
          tf.mul(core, tf.maximum(numerator, MULTIPLICATIVE_EPSILON)),
          tf.maximum(denominator, MULTIPLICATIVE_EPSILON),
        );
      });
      core.dispose();
      core = updatedCore;
      return residualNorm(tensor, core, factors);
    });
  } catch (error) {
    tf.dispose([core, ...factors]);
    throw error;
  }
  return new TuckerTensor(core, factors, history);
}
