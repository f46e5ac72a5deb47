import { Random, seedOrNext, tf } from '@tensorfold/core';
import { unfold } from '../algebra/unfold.js';
import { readScalar } from '../linalg/host-matrix.js';
import { gramOf, hadamardExcept, proximalSolve } from '../linalg/normal-equations.js';
import type { SvdMethod } from '../linalg/svd.js';
import { hostKhatriRao } from '../products/host-khatri-rao.js';
import { assertInteger } from '../validate.js';
import { type CPInit, initialCpFactors } from './cp-init.js';
import { CPTensor } from './cp-tensor.js';
import type { IterationCallback } from './decomposition.js';
import { sweepLimits, sweepUntilConverged } from './sweeps.js';
import { assertDecomposable, assertSeed } from './validate-input.js';

/** Options of {@link cp}. */
export interface CPOptions {
  /** `'svd'` (default): leading singular vectors of the unfoldings; `'random'`: uniform [0, 1); or a `CPTensor`. */
  init?: CPInit;
  /** Maximum number of ALS sweeps. Default 100 (TensorLy's). */
  nIterMax?: number;
  /** Stop when the relative error changes by less than this between sweeps. Default 1e-8 (TensorLy's). */
  tol?: number;
  /**
   * Keep factor columns at unit length and carry the scale in `weights` (TensorLy's
   * `normalize_factors`). Default false: weights are all ones, the scale lives in the factors.
   */
  normalizeFactors?: boolean;
  /** Seed for the random parts of the initialisation. Default: drawn from core's global generator. */
  seed?: number;
  /** Called after each sweep with the relative error; return `false` to stop. */
  onIteration?: IterationCallback;
  /** How the `'svd'` initialisation computes singular vectors (see `SvdMethod`). Default `'auto'`. */
  svdMethod?: SvdMethod;
}

/**
 * CP decomposition by alternating least squares (TensorLy's `parafac`): finds `R` rank-one terms whose
 * sum approximates `tensor`.
 *
 * Each sweep updates the factors one mode at a time: the MTTKRP runs in tfjs kernels on the current
 * backend, the `R x R` normal equations are solved in float64 on the host by Cholesky, with a tiny
 * proximal term (`(MTTKRP + λ·A)·(V + λI)⁻¹`, `λ = 1e-6·trace(V)/R`, see `proximalSolve`) that keeps
 * the solve stable where `V` is singular or nearly so (a rank above a mode's size, nearly collinear
 * components) and makes every update at least as good as keeping the old factor. The error recorded
 * after each sweep is the true relative residual `‖X − X̂‖/‖X‖` (one extra MTTKRP-sized product), not
 * TensorLy's Gram-matrix estimate, whose cancellation in float32 cannot resolve errors below ~3e-4.
 * `history.errors` is non-increasing up to float32 round-off, with or without normalisation.
 *
 * @param tensor `[n_1, ..., n_N]`, float32, N >= 2.
 * @param rank The number of rank-one terms `R` (>= 1).
 * @returns A `CPTensor` with `history` (errors per sweep, iterations, convergence).
 * @throws ConfigError for a bad rank or option; ShapeError for a tensor of order < 2; DataError when
 *   the tensor holds NaN or Infinity.
 *
 * @example
 * const decomposition = await cp(x, 3, { seed: 1 });
 * const approx = decomposition.toTensor();
 */
export async function cp(tensor: tf.Tensor, rank: number, options: CPOptions = {}): Promise<CPTensor> {
  assertDecomposable(tensor, 'cp()');
  assertInteger(rank, 1, 'cp() rank');
  const limits = sweepLimits('cp()', options, 1e-8);
  assertSeed(options.seed);
  const normalize = options.normalizeFactors ?? false;
  const random = new Random(seedOrNext(options.seed));
  const factors = await initialCpFactors(
    tensor,
    rank,
    options.init ?? 'svd',
    random,
    options.svdMethod ?? 'auto',
  );
  const shape = tensor.shape;
  // float64 host copies of the factors: the solves, Gram matrices, Khatri-Rao products and proximal
  // anchors all use these; float32 tensors are made from them once, at the end
  const host: Float64Array[] = [];
  for (const f of factors) host.push(Float64Array.from(await f.data()));
  tf.dispose(factors);
  const last = shape.length - 1;
  const front = shape.slice(0, last); // the modes before the last
  // the last mode's unfolding [n_N, ∏_{k<N} n_k] (one transpose, made once)
  const lastUnfolding = unfold(tensor, last);
  try {
    const grams = host.map((values, k) => gramOf(values, shape[k], rank)); // [R, R] each
    let weights: Float64Array = new Float64Array(rank).fill(1);
    const history = await sweepUntilConverged(tensor, 'cp()', limits, async () => {
      // P = X_[∏_{k<N} n_k, n_N] · A_N  [n_1, ..., n_{N-1}, R]: A_N stays fixed while modes 1..N-1
      // are updated, so this one product serves all their MTTKRPs, each finished by a small
      // broadcast multiply and sum
      const partial = backendProduct(tensor, host[last], rank); // [n_1, ..., n_{N-1}, R]
      try {
        for (let mode = 0; mode < last; mode++) {
          const product = backendContract(partial, host, front, mode, rank); // MTTKRP [n_mode, R]
          const rhs = await product.data();
          product.dispose();
          update(mode, rhs);
        }
      } finally {
        partial.dispose();
      }
      // the last mode: one product with the Khatri-Rao product of the updated A_1..A_{N-1}, which the
      // residual then reuses
      const others = otherKhatriRao(host, shape, last, rank); // [∏_{k<N} n_k, R]
      try {
        const product = tf.matMul(lastUnfolding, others); // MTTKRP [n_N, R]
        const rhs = await product.data();
        product.dispose();
        update(last, rhs);
        return await residualNorm(tensor, others, host[last], rank, normalize ? weights : null);
      } finally {
        others.dispose();
      }
    });
    const result = host.map((values, k) => tf.tensor2d(Float32Array.from(values), [shape[k], rank]));
    return new CPTensor(tf.tensor1d(Float32Array.from(weights)), result, history);

    /** Solves mode `mode`'s normal equations for the MTTKRP `rhs` and stores the new factor. */
    function update(mode: number, rhs: ArrayLike<number>): void {
      const rows = shape[mode];
      // V = ⊛_{k≠mode} A_kᵀA_k  [R, R];  A_mode = (MTTKRP + λ·A_mode) · (V + λI)⁻¹
      const normalMatrix = hadamardExcept(grams, mode, rank);
      // the model's current A_mode: with normalisation the scale sits in the weights
      const anchor = normalize ? scaleColumns(host[mode], weights, rank) : host[mode];
      const solved = proximalSolve(normalMatrix, rhs, anchor, rows, rank); // [n_mode, R]
      if (normalize) weights = normalizeColumns(solved, rows, rank);
      host[mode] = solved;
      grams[mode] = gramOf(solved, rows, rank);
    }
  } finally {
    lastUnfolding.dispose();
  }
}

/** `X_[∏_{k<N} n_k, n_N] · A_N` (a plain product in the tensor's own layout), `[n_1, ..., n_{N-1}, R]`. */
function backendProduct(tensor: tf.Tensor, lastFactor: Float64Array, rank: number): tf.Tensor {
  const size = lastFactor.length / rank;
  return tf.tidy(() =>
    tf.reshape(
      tf.matMul(
        tf.reshape(tensor, [tensor.size / size, size]),
        tf.tensor2d(Float32Array.from(lastFactor), [size, rank], 'float32'),
      ),
      [...tensor.shape.slice(0, -1), rank],
    ),
  );
}

/**
 * The MTTKRP of mode `mode` (< N) from `partial = X ×_N A_Nᵀ` `[n_1, ..., n_{N-1}, R]`, viewed as
 * `[before, n_mode, after, R]`: `M[i, r] = Σ_b Σ_a P[b, i, a, r] · L[b, r] · K[a, r]` with `L`, `K` the
 * Khatri-Rao products of the front factors before and after `mode` (built on the host). Small
 * element-wise work (`∏_{k<N} n_k · R`), no tensor-sized product, and never above rank 4 (WASM's
 * element-wise kernels are wrong from rank 7 on).
 */
function backendContract(
  partial: tf.Tensor,
  host: Float64Array[],
  front: number[],
  mode: number,
  rank: number,
): tf.Tensor {
  const beforeModes = front.slice(0, mode).map((_, k) => k);
  const afterModes = front.slice(mode + 1).map((_, k) => mode + 1 + k);
  const before = beforeModes.reduce((p, k) => p * front[k], 1);
  const after = afterModes.reduce((p, k) => p * front[k], 1);
  const left = hostKhatriRao(
    beforeModes.map((k) => host[k]),
    beforeModes.map((k) => front[k]),
    rank,
  ); // [before, R]
  const right = hostKhatriRao(
    afterModes.map((k) => host[k]),
    afterModes.map((k) => front[k]),
    rank,
  ); // [after, R]
  return tf.tidy(() => {
    let result = tf.reshape(partial, [before, front[mode], after, rank]);
    if (before > 1) result = tf.sum(tf.mul(result, tf.tensor4d(left, [before, 1, 1, rank])), 0, true);
    if (after > 1) result = tf.sum(tf.mul(result, tf.tensor4d(right, [1, 1, after, rank])), 2, true);
    return tf.reshape(result, [front[mode], rank]);
  });
}

/** `khatriRao` of every factor but `skip`'s, `[∏_{k≠skip} n_k, R]`, built on the host and uploaded. */
function otherKhatriRao(host: Float64Array[], shape: number[], skip: number, rank: number): tf.Tensor2D {
  const modes = shape.map((_, k) => k).filter((k) => k !== skip);
  const values = hostKhatriRao(
    modes.map((k) => host[k]),
    modes.map((k) => shape[k]),
    rank,
  );
  return tf.tensor2d(values, [values.length / rank, rank], 'float32');
}

/** `A·diag(w)` of a row-major `[rows, R]` matrix, as a new array. */
function scaleColumns(values: Float64Array, weights: Float64Array, rank: number): Float64Array {
  return values.map((v, i) => v * weights[i % rank]);
}

/** Scales each column of a row-major `[rows, R]` matrix to unit length in place; returns the lengths (1 for a zero column). */
function normalizeColumns(values: Float64Array, rows: number, rank: number): Float64Array {
  const norms = new Float64Array(rank);
  for (let i = 0; i < rows; i++) for (let j = 0; j < rank; j++) norms[j] += values[i * rank + j] ** 2;
  for (let j = 0; j < rank; j++) norms[j] = norms[j] > 0 ? Math.sqrt(norms[j]) : 1;
  for (let i = 0; i < values.length; i++) values[i] /= norms[i % rank];
  return norms;
}

/**
 * `‖X − X̂‖` in the last mode's layout, which is the tensor's own memory layout: `X` viewed as
 * `[∏_{k<N} n_k, n_N]` minus `K·(A_N·diag(w))ᵀ` with `K = khatriRao(A_1, ..., A_{N-1})`. The transposed
 * last factor is made on the host, so the product is a plain one (no transpose flag), then one fused
 * squared difference and a sum.
 */
async function residualNorm(
  tensor: tf.Tensor,
  others: tf.Tensor2D,
  lastFactor: Float64Array,
  rank: number,
  weights: Float64Array | null,
): Promise<number> {
  const size = lastFactor.length / rank;
  const transposed = new Float32Array(lastFactor.length); // (A_N·diag(w))ᵀ  [R, n_N]
  for (let i = 0; i < size; i++) {
    for (let r = 0; r < rank; r++)
      transposed[r * size + i] = lastFactor[i * rank + r] * (weights ? weights[r] : 1);
  }
  const squared = tf.tidy(() => {
    const approximation = tf.matMul(others, tf.tensor2d(transposed, [rank, size], 'float32')); // [∏, n_N]
    return tf.sum(tf.squaredDifference(tf.reshape(tensor, approximation.shape), approximation));
  });
  return Math.sqrt(Math.max(await readScalar(squared), 0));
}
