import { ConfigError, tf } from '@tensorfold/core';
import { type Matrix, SingularValueDecomposition } from 'ml-matrix';
import { assertNonEmptyMatrix, assertRank, describeShape } from '../validate.js';
import { leadingEigh } from './eigh.js';
import {
  assertFiniteFlat,
  assertFiniteHost,
  canonicalSigns,
  fromHost,
  leadingColumns,
  toHost,
} from './host-matrix.js';

/**
 * How {@link svd} computes:
 * - `'host'`: reads the matrix into JavaScript and runs `ml-matrix`'s one-sided Golub-Kahan SVD in
 *   float64. Exact to float64 round-off (on float32 input), every singular value accurate.
 * - `'gram'`: forms the small Gram matrix `M·Mᵀ` (or `Mᵀ·M` for a tall matrix) with one tfjs matrix
 *   product (the heavy part, on the backend: GPU, WASM SIMD...), eigendecomposes it in float64 in
 *   JavaScript, and recovers the other side with a second tfjs product. Squaring the matrix halves the
 *   float32 digits: singular values below about `1e-3·s_max` are not resolved.
 * - `'auto'` (default): `'host'` when `min(m,n)²·max(m,n)` is at most {@link HOST_SVD_WORK_LIMIT},
 *   else `'gram'`.
 */
export type SvdMethod = 'auto' | 'host' | 'gram';

/**
 * The `min(m,n)²·max(m,n)` work above which `'auto'` uses the Gram path. Chosen from a measurement on
 * a 2-core AMD EPYC (see the package README): below it the host SVD is both exact and fast enough.
 */
export const HOST_SVD_WORK_LIMIT = 4e6;

/** On the Gram path, singular values below this fraction of the largest count as zero. */
export const GRAM_RELATIVE_FLOOR = 1e-3;

/** Options of {@link svd}. */
export interface SvdOptions {
  /** Keep the `rank` leading singular triplets. Default: all `min(m, n)`. */
  rank?: number;
  /** See {@link SvdMethod}. Default `'auto'`. */
  method?: SvdMethod;
  /** Also compute `vt`. Default true; the decompositions only need `u`. */
  computeVt?: boolean;
}

/** A truncated singular value decomposition `M ≈ u · diag(s[:k]) · vt`. */
export interface SvdResult {
  /** `[m, k]` left singular vectors (columns, largest entry positive). */
  u: tf.Tensor2D;
  /** All `min(m, n)` singular values, largest first (float64), for truncation and error bounds. */
  s: Float64Array;
  /** `[k, n]` right singular vectors as rows, or null when not asked for. */
  vt: tf.Tensor2D | null;
  /** The path that ran (see {@link SvdMethod}). */
  method: 'host' | 'gram';
}

/**
 * Singular value decomposition of a matrix, truncated to `rank` (NumPy's `svd(full_matrices=False)`
 * followed by slicing). Singular vectors are sign-canonical (largest entry positive), so the result is
 * the same on every backend.
 *
 * @param matrix `[m, n]`, float32.
 * @throws ConfigError when `rank` is not in 1..min(m, n); ShapeError for an empty matrix;
 *   DataError when the matrix holds NaN or Infinity.
 */
export async function svd(matrix: tf.Tensor2D, options: SvdOptions = {}): Promise<SvdResult> {
  assertRank(matrix, 2, 'svd() input');
  assertNonEmptyMatrix(matrix, 'svd() input');
  const [m, n] = matrix.shape;
  const full = Math.min(m, n);
  const rank = options.rank ?? full;
  if (!Number.isInteger(rank) || rank < 1 || rank > full) {
    throw new ConfigError(
      `svd() rank must be an integer from 1 to ${full} (the smaller side of the ${describeShape(matrix.shape)} matrix), got ${rank}.`,
    );
  }
  const method = chooseSvdMethod(m, n, options.method ?? 'auto');
  const computeVt = options.computeVt ?? true;
  return method === 'host' ? hostSvd(matrix, rank, computeVt) : gramSvd(matrix, rank, computeVt);
}

/** The path {@link svd} takes for an `m x n` matrix. */
export function chooseSvdMethod(m: number, n: number, method: SvdMethod): 'host' | 'gram' {
  if (method === 'host' || method === 'gram') return method;
  if (method !== 'auto')
    throw new ConfigError(`svd() method must be 'auto', 'host' or 'gram', got '${method}'.`);
  const small = Math.min(m, n);
  return small * small * Math.max(m, n) <= HOST_SVD_WORK_LIMIT ? 'host' : 'gram';
}

async function hostSvd(matrix: tf.Tensor2D, rank: number, computeVt: boolean): Promise<SvdResult> {
  const [m, n] = matrix.shape;
  if (!computeVt && m <= n) return hostGramSvd(matrix, rank);
  const host = await toHost(matrix);
  assertFiniteHost(host, 'svd() input');
  const decomposition = new SingularValueDecomposition(host, {
    computeLeftSingularVectors: true,
    computeRightSingularVectors: computeVt,
    autoTranspose: true,
  });
  const s = Float64Array.from(decomposition.diagonal.slice(0, Math.min(...matrix.shape)));
  const u = decomposition.leftSingularVectors.subMatrix(0, host.rows - 1, 0, rank - 1);
  let vt: tf.Tensor2D | null = null;
  if (computeVt) {
    const v = decomposition.rightSingularVectors.subMatrix(0, host.columns - 1, 0, rank - 1);
    flipTogether(u, v);
    vt = tf.tidy(() => tf.transpose(fromHost(v)));
  } else {
    canonicalSigns(u);
  }
  return { u: fromHost(u), s, vt, method: 'host' };
}

/**
 * The host path for the left side of a wide matrix (`m <= n`, no `vt`): `M·Mᵀ` `[m, m]` summed in
 * float64 on the host, then its eigendecomposition (`symmetricEigen` of `@tensorfold/core`). Several times faster than
 * `ml-matrix`'s Golub-Kahan SVD, and as exact for float32 input: squaring in float64 keeps singular
 * values down to ~1e-8 of the largest (the float32 input itself carries only ~1e-7).
 */
async function hostGramSvd(matrix: tf.Tensor2D, rank: number): Promise<SvdResult> {
  const [m, n] = matrix.shape;
  const values = await matrix.data();
  assertFiniteFlat(values, n, 'svd() input');
  const gram = new Float64Array(m * m);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < n; k++) row[k] = values[i * n + k];
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      const offset = j * n;
      for (let k = 0; k < n; k++) sum += row[k] * values[offset + k];
      gram[i * m + j] = sum;
      gram[j * m + i] = sum;
    }
  }
  const eigen = leadingEigh(gram, m, rank); // vectors [m, rank]
  const s = Float64Array.from(eigen.values, (v) => Math.sqrt(Math.max(v, 0)));
  return { u: leadingColumns(eigen.vectors, m, rank, rank), s, vt: null, method: 'host' };
}

async function gramSvd(matrix: tf.Tensor2D, rank: number, computeVt: boolean): Promise<SvdResult> {
  const [m, n] = matrix.shape;
  const wide = m <= n;
  // [m, m] for a wide matrix, [n, n] for a tall one
  const gram = tf.tidy(() =>
    wide ? tf.matMul(matrix, matrix, false, true) : tf.matMul(matrix, matrix, true),
  );
  const size = gram.shape[0] as number;
  const host = Float64Array.from(await gram.data());
  gram.dispose();
  // NaN or Infinity in the matrix shows in its Gram matrix (Infinity·0 is NaN)
  assertFiniteFlat(host, size, 'svd() input');
  const { values, vectors } = leadingEigh(host, size, rank); // vectors [size, rank]
  const s = Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 0)));
  // 1/s for the kept values, 0 where s is below the floor (those directions are not resolved)
  const floor = s[0] * GRAM_RELATIVE_FLOOR;
  const inverse = tf.tensor1d(Array.from(s.subarray(0, rank), (v) => (v > floor && v > 0 ? 1 / v : 0)));
  const side = leadingColumns(vectors, size, rank, rank);
  try {
    if (wide) {
      // u = eigenvectors of M·Mᵀ; vt = diag(1/s)·uᵀ·M  [k, n]
      const vt = computeVt
        ? tf.tidy(() => tf.mul(tf.matMul(side, matrix, true), tf.expandDims(inverse, 1)))
        : null;
      return { u: tf.clone(side), s, vt: vt as tf.Tensor2D | null, method: 'gram' };
    }
    // vt = eigenvectors of Mᵀ·M, transposed; u = M·v·diag(1/s)  [m, k]
    const u = tf.tidy(() => tf.mul(tf.matMul(matrix, side), inverse)) as tf.Tensor2D;
    const vt = computeVt ? (tf.transpose(side) as tf.Tensor2D) : null;
    return { u, s, vt, method: 'gram' };
  } finally {
    side.dispose();
    inverse.dispose();
  }
}

/** Makes each `u` column's largest entry positive, flipping the matching `v` column with it. */
function flipTogether(u: Matrix, v: Matrix): void {
  for (let j = 0; j < u.columns; j++) {
    let best = 0;
    for (let i = 0; i < u.rows; i++) if (Math.abs(u.get(i, j)) > Math.abs(best)) best = u.get(i, j);
    if (best < 0) {
      for (let i = 0; i < u.rows; i++) u.set(i, j, -u.get(i, j));
      for (let i = 0; i < v.rows; i++) v.set(i, j, -v.get(i, j));
    }
  }
}
