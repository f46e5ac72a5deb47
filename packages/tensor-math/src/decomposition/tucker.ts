import { ConfigError, Random, ShapeError, seedOrNext, tf } from '@tensorfold/core';
import { modeDot } from '../algebra/mode-dot.js';
import { multiModeDot } from '../algebra/multi-mode-dot.js';
import { unfold } from '../algebra/unfold.js';
import { sumOfSquares } from '../linalg/sum-of-squares.js';
import { type SvdMethod, svd } from '../linalg/svd.js';
import { describeShape } from '../validate.js';
import type { FitHistory, IterationCallback } from './decomposition.js';
import { leadingFactors } from './hosvd.js';
import { randomOrthonormal } from './random-init.js';
import { sweepLimits, sweepUntilConverged } from './sweeps.js';
import { resolveTuckerRanks } from './tucker-ranks.js';
import { TuckerTensor, tuckerToTensor } from './tucker-tensor.js';
import { assertDecomposable, assertSeed } from './validate-input.js';

/** Options of {@link tucker}. */
export interface TuckerOptions {
  /**
   * Multilinear ranks: one per mode, or one number for all (capped at each mode's size and at the
   * product of the other ranks). Required.
   */
  ranks: number | readonly number[];
  /**
   * `'svd'` (default): start from {@link hosvd}; `'random'`: random orthonormal factors (seeded); or a
   * `TuckerTensor` whose factors are used (they should have orthonormal columns).
   */
  init?: 'svd' | 'random' | TuckerTensor;
  /** Maximum number of HOOI sweeps. Default 100 (TensorLy's). */
  nIterMax?: number;
  /** Stop when the relative error changes by less than this between sweeps. Default 1e-4 (TensorLy's). */
  tol?: number;
  /** Seed for `init: 'random'`. Default: drawn from core's global generator. */
  seed?: number;
  /** Called after each sweep with the relative error; return `false` to stop. */
  onIteration?: IterationCallback;
  /** How singular vectors are computed (see `SvdMethod`). Default `'auto'`. */
  svdMethod?: SvdMethod;
}

/**
 * Tucker decomposition by higher-order orthogonal iteration (HOOI; TensorLy's `tucker`): factors with
 * orthonormal columns and a core with the given multilinear ranks.
 *
 * Each sweep, for every mode, projects the tensor on the other factors (n-mode products in tfjs
 * kernels, the heavy part) and takes the leading left singular vectors of the small projected
 * unfolding `[n_k, ∏_{j≠k} r_j]` (float64 SVD in `ml-matrix`, or the Gram path when it is large). The
 * recorded error is the true relative residual.
 *
 * @param tensor `[n_1, ..., n_N]`, float32, N >= 2.
 * @returns A `TuckerTensor` with `history`.
 * @throws ConfigError for ranks that are zero, larger than their mode or than the other ranks' product;
 *   DataError when the tensor holds NaN or Infinity.
 *
 * @example
 * const decomposition = await tucker(x, { ranks: [10, 10, 10] });
 */
export async function tucker(tensor: tf.Tensor, options: TuckerOptions): Promise<TuckerTensor> {
  assertDecomposable(tensor, 'tucker()');
  if (options?.ranks === undefined) {
    throw new ConfigError(
      'tucker() needs ranks: pass {ranks: [r_1, ..., r_N]} or {ranks: r} for every mode.',
    );
  }
  const ranks = resolveTuckerRanks(tensor, options.ranks, 'tucker()');
  const limits = sweepLimits('tucker()', options, 1e-4);
  assertSeed(options.seed);
  const method = options.svdMethod ?? 'auto';
  const factors = await initialFactors(tensor, ranks, options, method);
  const order = tensor.rank;
  let core: tf.Tensor | null = null;
  let history: FitHistory;
  try {
    history = await sweepUntilConverged(tensor, 'tucker()', limits, async () => {
      let projected: tf.Tensor | null = null;
      let shared: tf.Tensor | null = null; // X ×_1 A_1ᵀ  [r_1, n_2, ..., n_N], after mode 1's update
      try {
        for (let mode = 0; mode < order; mode++) {
          projected?.dispose();
          if (mode === 0) {
            // [n_1, r_2, ..., r_N]
            projected = multiModeDot(tensor, factors, { skip: 0, transpose: true });
          } else {
            // every later mode starts from X ×_1 A_1ᵀ (A_1 no longer changes this sweep): one
            // tensor-sized product per sweep instead of one per mode
            shared ??= modeDot(tensor, factors[0], 0, { transpose: true });
            const modes = factors.map((_, k) => k).filter((k) => k !== 0 && k !== mode);
            // [r_1, ..., n_mode, ..., r_N]
            projected = multiModeDot(
              shared,
              modes.map((k) => factors[k]),
              { modes, transpose: true },
            );
          }
          const unfolded = unfold(projected, mode); // [n_mode, ∏_{k≠mode} r_k]
          const { u } = await svd(unfolded, { rank: ranks[mode], method, computeVt: false }).finally(() =>
            unfolded.dispose(),
          );
          factors[mode].dispose();
          factors[mode] = u;
        }
        core?.dispose();
        core = modeDot(projected!, factors[order - 1], order - 1, { transpose: true });
      } finally {
        // also when an SVD throws (NaN or Infinity in the data)
        tf.dispose([...(projected ? [projected] : []), ...(shared ? [shared] : [])]);
      }
      return residualNorm(tensor, core, factors);
    });
  } catch (error) {
    tf.dispose([...factors, ...(core ? [core] : [])]);
    throw error;
  }
  return new TuckerTensor(core!, factors, history);
}

async function initialFactors(
  tensor: tf.Tensor,
  ranks: number[],
  options: TuckerOptions,
  method: SvdMethod,
): Promise<tf.Tensor2D[]> {
  const init = options.init ?? 'svd';
  if (init instanceof TuckerTensor) {
    if (!tf.util.arraysEqual(init.shape, tensor.shape) || !tf.util.arraysEqual(init.ranks, ranks)) {
      throw new ShapeError(
        `The initial TuckerTensor is ${describeShape(init.shape)} with ranks [${init.ranks.join(', ')}] but the tensor is ${describeShape(tensor.shape)} and the ranks asked for are [${ranks.join(', ')}].`,
      );
    }
    return init.factors.map((f) => tf.clone(f));
  }
  if (init === 'svd') return leadingFactors(tensor, ranks, method);
  if (init === 'random') {
    const random = new Random(seedOrNext(options.seed));
    return tensor.shape.map((n, k) => randomOrthonormal(n, ranks[k], random));
  }
  throw new ConfigError(`tucker() init must be 'svd', 'random' or a TuckerTensor, got '${String(init)}'.`);
}

/** `‖X − core ×_k A_k‖`, from the reconstruction (exact in float32, unlike `sqrt(‖X‖² − ‖core‖²)`). */
export async function residualNorm(
  tensor: tf.Tensor,
  core: tf.Tensor,
  factors: readonly tf.Tensor2D[],
): Promise<number> {
  const approximation = tuckerToTensor({ core, factors });
  try {
    return Math.sqrt(Math.max(await sumOfSquares(tensor, approximation), 0));
  } finally {
    approximation.dispose();
  }
}
