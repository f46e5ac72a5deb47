import { ShapeError, type tf } from '@tensorfold/core';
import { EigenvalueDecomposition, type Matrix } from 'ml-matrix';
import { assertNonEmptyMatrix, assertRank, describeShape } from '../validate.js';
import { assertFiniteHost, canonicalSigns, fromHost, toHost } from './host-matrix.js';

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
 * Runs in float64 in JavaScript (`ml-matrix`'s tridiagonal QL): the matrices this package feeds it
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
  const host = await toHost(symmetric);
  assertFiniteHost(host, 'eigh() input');
  const { values, vectors } = hostEigh(host);
  return { values, vectors: fromHost(vectors) };
}

/** {@link eigh} on a host matrix: eigenvalues descending, eigenvectors sign-canonical. */
export function hostEigh(symmetric: Matrix): { values: Float64Array; vectors: Matrix } {
  const evd = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true });
  const ascending = evd.realEigenvalues;
  const n = ascending.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ascending[b] - ascending[a]);
  const vectors = evd.eigenvectorMatrix.subMatrixColumn(order);
  return { values: Float64Array.from(order, (i) => ascending[i]), vectors: canonicalSigns(vectors) };
}
