import { leadingSymmetricEigen, ShapeError, symmetricEigen, type tf } from '@tensorfold/core';
import { assertNonEmptyMatrix, assertRank, describeShape } from '../validate.js';
import { assertFiniteFlat, canonicalSignsFlat, leadingColumns } from './host-matrix.js';

/** An eigendecomposition `A = V · diag(values) · Vᵀ`. */
export interface EighResult {
  /** Eigenvalues, largest first (float64). */
  values: Float64Array;
  /** `[n, n]`: eigenvector `i` in column `i` (unit length, largest entry positive). */
  vectors: tf.Tensor2D;
}

/**
 * Eigendecomposition of a symmetric matrix (NumPy's `eigh`, eigenvalues in descending order).
 *
 * Runs in float64 in JavaScript (Householder tridiagonalisation and implicit QL, `symmetricEigen` of `@tensorfold/core`): the matrices this package feeds it
 * (Gram matrices of unfoldings, at most a few hundred rows) are far too small for a GPU to help.
 *
 * @param symmetric `[n, n]`, symmetric (only symmetric input gives meaningful results).
 * @throws ShapeError when it is not square or empty; DataError when it holds NaN or Infinity.
 */
export async function eigh(symmetric: tf.Tensor2D): Promise<EighResult> {
  assertRank(symmetric, 2, 'eigh() input');
  assertNonEmptyMatrix(symmetric, 'eigh() input');
  const [n, m] = symmetric.shape;
  if (n !== m) {
    throw new ShapeError(`eigh() needs a square matrix but got ${describeShape(symmetric.shape)}.`);
  }
  const values = Float64Array.from(await symmetric.data());
  assertFiniteFlat(values, n, 'eigh() input');
  const result = flatEigh(values, n);
  return { values: result.values, vectors: leadingColumns(result.vectors, n, n, n) };
}

/**
 * {@link eigh} on a row-major float64 `[n, n]` array: eigenvalues descending, eigenvectors (columns of
 * the row-major `[n, n]` result) sign-canonical.
 */
export function flatEigh(
  symmetric: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const { values, vectors } = symmetricEigen(symmetric, n);
  return { values, vectors: canonicalSignsFlat(vectors, n, n) };
}

/**
 * All eigenvalues (descending) and the `count` leading eigenvectors (`[n, count]` row-major,
 * sign-canonical) of a row-major float64 `[n, n]` symmetric array.
 */
export function leadingEigh(
  symmetric: Float64Array,
  n: number,
  count: number,
): { values: Float64Array; vectors: Float64Array } {
  const { values, vectors } = leadingSymmetricEigen(symmetric, n, count);
  return { values, vectors: canonicalSignsFlat(vectors, n, count) };
}
