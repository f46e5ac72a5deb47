import { ConfigError, tf } from '@tensorfold/core';
import { type SvdMethod, svd } from '../linalg/svd.js';
import { describeShape, product } from '../validate.js';
import { TTTensor } from './tt-tensor.js';
import { assertDecomposable } from './validate-input.js';

/** Options of {@link tensorTrain}: give `ranks`, `relativeError`, or both (then ranks cap the result). */
export interface TensorTrainOptions {
  /**
   * TT ranks. An array of N+1 values `[1, r_1, ..., r_{N-1}, 1]` is used as given (each inner rank must
   * be feasible, see below); one number caps every inner rank (at the feasible maximum where that is
   * smaller, as TensorLy does).
   */
  ranks?: number | readonly number[];
  /**
   * Target relative error `ε`: each of the N−1 truncations drops singular values whose tail norm is at
   * most `ε·‖X‖/sqrt(N−1)`, so `‖X − X̂‖ <= ε·‖X‖` (Oseledets 2011, Thm 2.2).
   */
  relativeError?: number;
  /** How singular vectors are computed (see `SvdMethod`). Default `'auto'`. */
  svdMethod?: SvdMethod;
}

/**
 * Tensor-train decomposition by TT-SVD (Oseledets 2011, Alg. 1; TensorLy's `tensor_train`): a sweep of
 * truncated SVDs, left to right, each on the `[r_{k-1}·n_k, rest]` reshaping of what the previous step
 * left. The carried remainder `Uᵀ·C` is one tfjs product per step; the SVDs are float64 `ml-matrix` on
 * small reshapings and the Gram path on large ones.
 *
 * The ranks are feasible when `r_k <= r_{k-1}·n_k` and `r_k <= n_{k+1}·r_{k+1}` (with `r_0 = r_N = 1`).
 *
 * @param tensor `[n_1, ..., n_N]`, float32, N >= 2.
 * @returns A `TTTensor` with cores `[r_{k-1}, n_k, r_k]`.
 * @throws ConfigError when neither option is given, a rank is zero or infeasible, or `relativeError` is
 *   not in [0, 1); DataError when the tensor holds NaN or Infinity.
 *
 * @example
 * const tt = await tensorTrain(x, { relativeError: 1e-3 });
 * tt.ranks; // [1, ..., 1]
 */
export async function tensorTrain(tensor: tf.Tensor, options: TensorTrainOptions): Promise<TTTensor> {
  assertDecomposable(tensor, 'tensorTrain()');
  const shape = tensor.shape;
  const order = shape.length;
  if (options?.ranks === undefined && options?.relativeError === undefined) {
    throw new ConfigError('tensorTrain() needs {ranks} or {relativeError} (or both).');
  }
  const { relativeError } = options;
  if (relativeError !== undefined && !(relativeError >= 0 && relativeError < 1)) {
    throw new ConfigError(`tensorTrain() relativeError must be in [0, 1), got ${relativeError}.`);
  }
  const limits = feasibleRanks(shape);
  const fixed = resolveTtRanks(shape, options.ranks, limits);
  const method = options.svdMethod ?? 'auto';
  const cores: tf.Tensor3D[] = [];
  let remainder: tf.Tensor2D = tf.reshape(tensor, [shape[0], product(shape.slice(1))]);
  let threshold = 0;
  let rank = 1;
  try {
    for (let k = 0; k < order - 1; k++) {
      // [r_{k} · n_{k+1}, rest]
      const { u, s } = await svd(remainder, { method, computeVt: false });
      if (k === 0 && relativeError !== undefined) {
        const normSquared = s.reduce((sum, v) => sum + v * v, 0);
        threshold = (relativeError * Math.sqrt(normSquared)) / Math.sqrt(order - 1);
      }
      let next = fixed[k + 1];
      if (relativeError !== undefined) next = Math.min(next, truncationRank(s, threshold));
      next = Math.max(1, Math.min(next, u.shape[1]));
      const kept = tf.slice(u, [0, 0], [-1, next]); // [r_k · n_{k+1}, r_{k+1}]
      u.dispose();
      cores.push(tf.reshape(kept, [rank, shape[k], next]));
      const carried = tf.matMul(kept, remainder, true); // [r_{k+1}, rest]
      kept.dispose();
      remainder.dispose();
      const rest = carried.shape[1] as number;
      remainder = tf.reshape(carried, [next * shape[k + 1], rest / shape[k + 1]]);
      carried.dispose();
      rank = next;
    }
    cores.push(tf.reshape(remainder, [rank, shape[order - 1], 1]));
    remainder.dispose();
  } catch (error) {
    tf.dispose([...cores, remainder]);
    throw error;
  }
  return new TTTensor(cores);
}

/** The largest possible TT ranks `[1, min(n_1, ∏_{j>1} n_j), ..., 1]`. */
export function feasibleRanks(shape: readonly number[]): number[] {
  const limits = [1];
  for (let k = 1; k < shape.length; k++) {
    limits.push(Math.min(product(shape.slice(0, k)), product(shape.slice(k))));
  }
  limits.push(1);
  return limits;
}

function resolveTtRanks(
  shape: readonly number[],
  ranks: number | readonly number[] | undefined,
  limits: number[],
): number[] {
  if (ranks === undefined) return limits;
  if (typeof ranks === 'number') {
    if (!Number.isInteger(ranks) || ranks < 1) {
      throw new ConfigError(
        `tensorTrain() ranks must be an integer >= 1 (a cap on every TT rank), got ${ranks}.`,
      );
    }
    return limits.map((limit) => Math.min(limit, ranks));
  }
  const order = shape.length;
  if (ranks.length !== order + 1) {
    throw new ConfigError(
      `tensorTrain() ranks has ${ranks.length} entries; a tensor of order ${order} (${describeShape(shape)}) needs ${order + 1}: [1, r_1, ..., r_${order - 1}, 1].`,
    );
  }
  if (ranks[0] !== 1 || ranks[order] !== 1) {
    throw new ConfigError(`tensorTrain() ranks must start and end with 1, got [${ranks.join(', ')}].`);
  }
  ranks.forEach((r, k) => {
    if (!Number.isInteger(r) || r < 1) {
      throw new ConfigError(`tensorTrain() rank r_${k} = ${r} is invalid: TT ranks are integers >= 1.`);
    }
  });
  for (let k = 1; k < order; k++) {
    const fromLeft = ranks[k - 1] * shape[k - 1];
    const fromRight = shape[k] * ranks[k + 1];
    if (ranks[k] > fromLeft || ranks[k] > fromRight) {
      throw new ConfigError(
        `tensorTrain() rank r_${k} = ${ranks[k]} is larger than the mode sizes allow: it must be at most r_${k - 1}·n_${k} = ${fromLeft} and n_${k + 1}·r_${k + 1} = ${fromRight} (shape ${describeShape(shape)}). Pass at most ${Math.min(fromLeft, fromRight)}.`,
      );
    }
  }
  return [...ranks];
}

/** The smallest rank whose dropped singular values have tail norm <= `threshold`. */
function truncationRank(s: Float64Array, threshold: number): number {
  let tail = 0;
  let rank = s.length;
  const limit = threshold * threshold;
  while (rank > 1 && tail + s[rank - 1] ** 2 <= limit) {
    tail += s[rank - 1] ** 2;
    rank--;
  }
  return rank;
}
