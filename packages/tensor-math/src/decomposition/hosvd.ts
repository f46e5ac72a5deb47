import { tf } from '@tensorfold/core';
import { multiModeDot } from '../algebra/multi-mode-dot.js';
import { unfold } from '../algebra/unfold.js';
import { type SvdMethod, svd } from '../linalg/svd.js';
import { resolveTuckerRanks } from './tucker-ranks.js';
import { TuckerTensor } from './tucker-tensor.js';
import { assertDecomposable } from './validate-input.js';

/** Options of {@link hosvd}. */
export interface HosvdOptions {
  /**
   * Multilinear ranks: one per mode, or one number for all (capped at each mode's size and at the
   * product of the other ranks). Default: full (exact).
   */
  ranks?: number | readonly number[];
  /** How singular vectors are computed (see `SvdMethod`). Default `'auto'`. */
  svdMethod?: SvdMethod;
}

/**
 * Higher-order SVD (De Lathauwer et al. 2000), the truncated, non-iterative Tucker decomposition: each
 * factor holds the leading left singular vectors of the tensor's unfolding in its mode, and the core
 * is `tensor ×_1 A_1ᵀ ... ×_N A_Nᵀ`. Exact when the ranks are at least the tensor's multilinear ranks;
 * otherwise within `sqrt(N)` of the best error. Also the `'svd'` start of {@link tucker}.
 *
 * @param tensor `[n_1, ..., n_N]`, float32, N >= 2.
 * @returns A `TuckerTensor` with orthonormal factors.
 * @throws ConfigError for bad ranks; DataError when the tensor holds NaN or Infinity.
 */
export async function hosvd(tensor: tf.Tensor, options: HosvdOptions = {}): Promise<TuckerTensor> {
  assertDecomposable(tensor, 'hosvd()');
  // full: every mode's largest feasible rank
  const ranks = resolveTuckerRanks(tensor, options.ranks ?? Math.max(...tensor.shape), 'hosvd()');
  const factors = await leadingFactors(tensor, ranks, options.svdMethod ?? 'auto');
  const core = multiModeDot(tensor, factors, { transpose: true });
  return new TuckerTensor(core, factors);
}

/** The `ranks[k]` leading left singular vectors of each unfolding, `[n_k, r_k]`. */
export async function leadingFactors(
  tensor: tf.Tensor,
  ranks: readonly number[],
  method: SvdMethod,
): Promise<tf.Tensor2D[]> {
  const factors: tf.Tensor2D[] = [];
  try {
    for (let mode = 0; mode < tensor.rank; mode++) {
      const unfolded = unfold(tensor, mode); // [n_mode, rest]
      try {
        factors.push((await svd(unfolded, { rank: ranks[mode], method, computeVt: false })).u);
      } finally {
        unfolded.dispose();
      }
    }
  } catch (error) {
    tf.dispose(factors);
    throw error;
  }
  return factors;
}
