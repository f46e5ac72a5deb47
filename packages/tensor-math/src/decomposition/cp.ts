import { Random, seedOrNext, tf } from '@tensorfold/core';
import { mttkrp } from '../algebra/mttkrp.js';
import { readScalar } from '../linalg/host-matrix.js';
import { gramOf, hadamardExcept, proximalSolve } from '../linalg/normal-equations.js';
import type { SvdMethod } from '../linalg/svd.js';
import { khatriRao } from '../products/khatri-rao.js';
import { assertInteger, product } from '../validate.js';
import { type CPInit, initialCpFactors } from './cp-init.js';
import { CPTensor } from './cp-tensor.js';
import type { FitHistory, IterationCallback } from './decomposition.js';
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
  const order = tensor.rank;
  let history: FitHistory;
  try {
    // float64 host copies of the factors: the solves, Gram matrices and proximal anchors use these;
    // the backend holds float32 copies for the MTTKRP and the residual
    const host: Float64Array[] = await Promise.all(
      factors.map(async (f) => Float64Array.from(await f.data())),
    );
    const grams = host.map((values, k) => gramOf(values, tensor.shape[k], rank)); // [R, R] each
    let weights: Float64Array = new Float64Array(rank).fill(1);
    history = await sweepUntilConverged(tensor, 'cp()', limits, async () => {
      for (let mode = 0; mode < order; mode++) {
        const rows = tensor.shape[mode];
        // V = ⊛_{k≠mode} A_kᵀA_k  [R, R];  A_mode = (MTTKRP + λ·A_mode) · (V + λI)⁻¹
        const normalMatrix = hadamardExcept(grams, mode, rank);
        const product = mttkrp(tensor, factors, mode); // [n_mode, R]
        const rhs = await product.data();
        product.dispose();
        // the model's current A_mode: with normalisation the scale sits in the weights
        const anchor = normalize ? scaleColumns(host[mode], weights, rank) : host[mode];
        const solved = proximalSolve(normalMatrix, rhs, anchor, rows, rank); // [n_mode, R]
        if (normalize) weights = normalizeColumns(solved, rows, rank);
        host[mode] = solved;
        grams[mode] = gramOf(solved, rows, rank);
        factors[mode].dispose();
        factors[mode] = tf.tensor2d(Float32Array.from(solved), [rows, rank], 'float32');
      }
      return residualNorm(tensor, factors, normalize ? weights : null);
    });
    return new CPTensor(tf.tensor1d(Float32Array.from(weights)), factors, history);
  } catch (error) {
    for (const f of factors) f.dispose();
    throw error;
  }
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
 * `‖X − X̂‖` with `X̂` built in the last mode's layout, which is the tensor's own memory layout
 * (`[n_1·...·n_{N-1}, n_N]`), so nothing is transposed.
 */
async function residualNorm(
  tensor: tf.Tensor,
  factors: tf.Tensor2D[],
  weights: Float64Array | null,
): Promise<number> {
  const last = factors.length - 1;
  const rows = product(tensor.shape.slice(0, last));
  const squared = tf.tidy(() => {
    let left = khatriRao(factors.slice(0, last)); // [rows, R]
    if (weights) left = tf.mul(left, tf.tensor1d(Float32Array.from(weights)));
    const approximation = tf.matMul(left, factors[last], false, true); // [rows, n_N]
    return tf.sum(tf.square(tf.sub(tf.reshape(tensor, [rows, tensor.shape[last]]), approximation)));
  });
  return Math.sqrt(Math.max(await readScalar(squared), 0));
}
