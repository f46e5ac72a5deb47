import { Random, seedOrNext, tf } from '@tensorfold/core';
import { unfold } from '../algebra/unfold.js';
import { gramOf, hadamardExcept, proximalSolve } from '../linalg/normal-equations.js';
import type { SvdMethod } from '../linalg/svd.js';
import { releaseKernelOutput } from '../products/contraction-kernels.js';
import { hostKhatriRao64 } from '../products/host-khatri-rao.js';
import { rowContractionKernelActive } from '../products/row-contraction.js';
import { assertInteger } from '../validate.js';
import { estimatedResidual } from './cp-fit.js';
import { type CPInit, initialCpFactors } from './cp-init.js';
import {
  frontKhatriRao,
  frontMttkrp,
  frontMttkrpOnBackend,
  lastModeMttkrp,
  lastModePartial,
  partialStride,
  productRows,
  readInto,
  residualNorm,
} from './cp-products.js';
import { FactorSides, readTransposed } from './cp-sides.js';
import { CPTensor } from './cp-tensor.js';
import type { IterationCallback } from './decomposition.js';
import { hostNormSquared, sweepLimits, sweepUntilConverged } from './sweeps.js';
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
 * after each sweep is the relative residual `‖X − X̂‖/‖X‖`, computed as TensorLy does without
 * rebuilding the tensor (`‖X‖² − 2⟨X, X̂⟩ + ‖X̂‖²`) but in float64 on the host, with `⟨X, X̂⟩` from
 * the next sweep's first MTTKRP (a float32 sum of only `n_N` products per entry, finished in float64;
 * see `cp-fit.ts`); where the fit is so close that float32 round-off could spoil that difference, the
 * true residual (one more tensor-sized product). Either way within about 1e-5 of the float64 truth.
 * `history.errors` is non-increasing up to float32 round-off, with or without normalisation.
 *
 * A sweep of a 3-way tensor makes two tensor-sized products, both Khatri-Rao contractions (a
 * transposed MTTKRP that never forms the Khatri-Rao matrix, see `khatriRaoContraction`):
 * `Pᵀ = A_Nᵀ·X_(N)`, from which the MTTKRPs of modes 1..N-1 are finished in float64 sums, and mode
 * N's with the updated `A_1..A_{N-1}`. The backend sees the factors transposed (`[R, n_k]`). On WASM
 * `@tensorfold/backend`'s kernels run both products and the float64 sums on the backend (`Pᵀ` is
 * never read back), with the rank rounded up to an even row count (`productRows`); elsewhere tfjs
 * products and host sums compute the same.
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
  const frontSize = tensor.size / shape[last]; // ∏_{k<N} n_k
  const rows = productRows(rank); // rows of the transposed factor matrices the backend sees
  const stride = partialStride(frontSize); // row length of the last mode's unfolding and of Pᵀ
  const tensorNormSquared = await hostNormSquared(tensor); // ‖X‖², float64
  // made once: the last mode's unfolding [1, n_N, stride] (one transpose) and the tensor viewed
  // as [∏_{k<N-1} n_k, n_{N-1}, n_N] (no copy)
  const [lastUnfolding, view] = tf.tidy(() => [
    tf.reshape(
      tf.pad(unfold(tensor, last), [
        [0, 0],
        [0, stride - frontSize],
      ]),
      [1, shape[last], stride],
    ) as tf.Tensor3D,
    tf.reshape(tensor, [frontSize / shape[last - 1], shape[last - 1], shape[last]]) as tf.Tensor3D,
  ]);
  // the factors as the backend sees them, transposed, kept between sweeps (see cp-sides.ts)
  const sides = new FactorSides(host, shape, rank, rows);
  let ahead: Partial | undefined; // see below
  try {
    const grams = host.map((values, k) => gramOf(values, shape[k], rank)); // [R, R] each
    // every array a sweep fills, made once (in V8 a typed array above 64 bytes lives off the
    // JavaScript heap: a calloc each, and work for the collector's helper threads when it dies):
    // each mode's MTTKRP, a second factor buffer per mode for the solve to write (the current one
    // is its anchor), the normal matrix, and the float32-rounded copies and Gram matrices of the fit
    const mttkrps = shape.map((n) => new Float64Array(n * rank)); // [n_k, R] each
    const spare: Float64Array[] = shape.map((n) => new Float64Array(n * rank)); // [n_k, R] each
    const normalMatrix = new Float64Array(rank * rank);
    const middleCount = front.slice(1).reduce((p, n) => p * n, 1); // ∏_{0<k<N-1} n_k
    const fit = {
      middle: new Float64Array(middleCount * rank),
      last: new Float64Array(shape[last] * rank),
      middleGram: new Float64Array(rank * rank),
      lastGram: new Float64Array(rank * rank),
    };
    let weights: Float64Array = new Float64Array(rank).fill(1);
    // Pᵀ = A_Nᵀ · X_(N) [rows, stride] and mode 1's MTTKRP from it, for the current factors:
    // made at the end of each sweep (its fit needs them) and used by the next. Where the row
    // contraction kernel runs, Pᵀ stays on the backend; elsewhere it is read back into one buffer.
    const onBackend = rowContractionKernelActive();
    let partialBuffer: Float32Array | undefined;
    ahead = await partialProducts();
    const history = await sweepUntilConverged(
      tensor,
      'cp()',
      limits,
      async () => {
        // A_N stays fixed while modes 1..N-1 are updated, so Pᵀ serves all their MTTKRPs
        const { partial, mttkrp: first } = ahead!;
        ahead = undefined;
        try {
          update(0, first);
          for (let mode = 1; mode < last; mode++) {
            update(
              mode,
              partial instanceof Float32Array
                ? frontMttkrp(partial, host, front, mode, rank, stride)
                : await frontMttkrpOnBackend(partial, sides, front, mode, rank, mttkrps[mode]),
            );
          }
        } finally {
          if (!(partial instanceof Float32Array)) releaseKernelOutput(partial);
        }
        // the last mode: one Khatri-Rao contraction with the updated A_1..A_{N-1}
        const mttkrp = lastModeMttkrp(view, sides); // [rows, n_N]
        try {
          update(last, await readTransposed(mttkrp, rank, mttkrps[last]));
        } finally {
          releaseKernelOutput(mttkrp);
        }
        ahead = await partialProducts();
        const estimate = estimatedResidual({
          tensorNormSquared,
          mttkrp: ahead.mttkrp,
          factor: host[0],
          // the factors as the backend saw them (float32), so that both terms describe one model:
          // A_N in Pᵀ; on the backend also khatriRao(A_2, ..., A_{N-1}) in mode 1's contraction
          grams: [
            grams[0],
            ...(onBackend
              ? [gramOf(roundedMiddle(host, front, rank, fit.middle), middleCount, rank, fit.middleGram)]
              : grams.slice(1, last)),
            gramOf(roundedInto(host[last], fit.last), shape[last], rank, fit.lastGram),
          ],
          weights,
          rank,
          innerSize: shape[last],
        });
        if (estimate !== null) return estimate;
        // a fit too close for the estimate: the true residual (one more tensor-sized product)
        const others = frontKhatriRao(host, front, rank); // [∏_{k<N} n_k, R]
        try {
          return await residualNorm(tensor, others, host[last], rank, normalize ? weights : null);
        } finally {
          others.dispose();
        }
      },
      tensorNormSquared,
    );
    const result = host.map((values, k) => tf.tensor2d(Float32Array.from(values), [shape[k], rank]));
    return new CPTensor(tf.tensor1d(Float32Array.from(weights)), result, history);

    /** `Pᵀ` (on the backend or read back) and mode 1's MTTKRP from it, for the current factors. */
    async function partialProducts(): Promise<Partial> {
      const product = lastModePartial(lastUnfolding, sides);
      if (onBackend) {
        try {
          return {
            partial: product,
            mttkrp: await frontMttkrpOnBackend(product, sides, front, 0, rank, mttkrps[0]),
          };
        } catch (error) {
          releaseKernelOutput(product);
          throw error;
        }
      }
      // one buffer for every sweep: a sweep is done with the last Pᵀ before the next is read
      partialBuffer ??= new Float32Array(product.shape[0] * product.shape[1]);
      const partial = await readInto(product, partialBuffer).finally(() => releaseKernelOutput(product));
      return { partial, mttkrp: frontMttkrp(partial, host, front, 0, rank, stride) };
    }

    /** Solves mode `mode`'s normal equations for the MTTKRP `rhs` and stores the new factor. */
    function update(mode: number, rhs: ArrayLike<number>): void {
      const rows = shape[mode];
      // V = ⊛_{k≠mode} A_kᵀA_k  [R, R];  A_mode = (MTTKRP + λ·A_mode) · (V + λI)⁻¹
      hadamardExcept(grams, mode, rank, normalMatrix);
      // the model's current A_mode: with normalisation the scale sits in the weights
      const anchor = normalize ? scaleColumns(host[mode], weights, rank) : host[mode];
      const solved = proximalSolve(normalMatrix, rhs, anchor, rows, rank, spare[mode]); // [n_mode, R]
      if (normalize) weights = normalizeColumns(solved, rows, rank);
      spare[mode] = host[mode];
      host[mode] = solved;
      sides.changed(mode);
      gramOf(solved, rows, rank, grams[mode]);
    }
  } finally {
    if (ahead !== undefined && !(ahead.partial instanceof Float32Array)) releaseKernelOutput(ahead.partial);
    sides.dispose();
    tf.dispose([lastUnfolding, view]);
  }
}

/** `Pᵀ` (read back, or a tensor on the backend) and mode 1's MTTKRP from it. */
interface Partial {
  partial: Float32Array | tf.TensorInfo;
  mttkrp: Float64Array;
}

/**
 * `khatriRao(A_2, ..., A_{N-1})` `[∏, R]` rounded to float32 into `target`, as the row contraction
 * kernel sees it (its Gram matrix is the Hadamard product of the factors' up to that rounding);
 * for a 3-way tensor `A_2` itself.
 */
function roundedMiddle(
  host: readonly Float64Array[],
  front: readonly number[],
  rank: number,
  target: Float64Array,
): Float64Array {
  const values =
    front.length === 2 ? host[1] : hostKhatriRao64(host.slice(1, front.length), front.slice(1), rank);
  return roundedInto(values, target);
}

/**
 * `values` rounded to float32 into `target` (of the same length), kept in float64 (so that
 * {@link gramOf} sees one element type).
 */
function roundedInto(values: Float64Array, target: Float64Array): Float64Array {
  for (let i = 0; i < values.length; i++) target[i] = Math.fround(values[i]);
  return target;
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
