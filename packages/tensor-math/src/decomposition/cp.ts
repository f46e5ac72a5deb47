import { Random, seedOrNext, tf } from '@tensorfold/core';
import { Matrix as HostMatrix, type Matrix } from 'ml-matrix';
import { mttkrp } from '../algebra/mttkrp.js';
import { fromHost, hostFromArray, readScalar } from '../linalg/host-matrix.js';
import { hostSolve } from '../linalg/lstsq.js';
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
 * backend, the `R x R` normal equations are solved in float64 with `ml-matrix`. The error recorded
 * after each sweep is the true relative residual `‖X − X̂‖/‖X‖` (one extra MTTKRP-sized product), not
 * TensorLy's Gram-matrix estimate, whose cancellation in float32 cannot resolve errors below ~3e-4.
 * Without normalisation ALS never increases it, so `history.errors` is non-increasing up to float32
 * round-off.
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
  const grams: Matrix[] = await Promise.all(factors.map(hostGram));
  let weights: Float64Array = new Float64Array(rank).fill(1);
  let history: FitHistory;
  try {
    history = await sweepUntilConverged(tensor, 'cp()', limits, async () => {
      for (let mode = 0; mode < order; mode++) {
        // V = ⊛_{k≠mode} A_kᵀA_k  [R, R];  A_mode = MTTKRP · V⁻¹
        const normalMatrix = hadamardExcept(grams, mode, rank);
        const product = mttkrp(tensor, factors, mode); // [n_mode, R]
        const rhs = hostFromArray(await product.data(), tensor.shape[mode], rank);
        product.dispose();
        const solved = hostSolve(normalMatrix, rhs.transpose()).transpose(); // [n_mode, R]
        if (normalize) weights = normalizeColumns(solved);
        factors[mode].dispose();
        factors[mode] = fromHost(solved);
        grams[mode] = await hostGram(factors[mode]);
      }
      return residualNorm(tensor, factors, normalize ? weights : null);
    });
  } catch (error) {
    for (const f of factors) f.dispose();
    throw error;
  }
  return new CPTensor(tf.tensor1d(Float32Array.from(weights)), factors, history);
}

/** `AᵀA` of a factor, in float64 from its float32 values. */
async function hostGram(factor: tf.Tensor2D): Promise<Matrix> {
  const [rows, columns] = factor.shape;
  const host = hostFromArray(await factor.data(), rows, columns);
  return host.transpose().mmul(host);
}

function hadamardExcept(grams: readonly Matrix[], skip: number, rank: number): Matrix {
  const result = HostMatrix.ones(rank, rank);
  grams.forEach((g, k) => {
    if (k !== skip) result.mul(g);
  });
  return result;
}

/** Scales each column of `factor` to unit length in place; returns the lengths (1 for a zero column). */
function normalizeColumns(factor: Matrix): Float64Array {
  const norms = new Float64Array(factor.columns);
  for (let j = 0; j < factor.columns; j++) {
    let sum = 0;
    for (let i = 0; i < factor.rows; i++) sum += factor.get(i, j) ** 2;
    norms[j] = sum > 0 ? Math.sqrt(sum) : 1;
    for (let i = 0; i < factor.rows; i++) factor.set(i, j, factor.get(i, j) / norms[j]);
  }
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
