import { ShapeError, tf } from '@tensorfold/core';
import { LuDecomposition, type Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { assertNonEmptyMatrix, assertRank, describeShape } from '../validate.js';
import { assertFiniteHost, fromHost, toHost } from './host-matrix.js';

/**
 * Least-squares solve: the `x` minimising `‖a·x − b‖` (NumPy's `lstsq`, minimum-norm when `a` is
 * rank-deficient).
 *
 * Runs in float64 in JavaScript with `ml-matrix`: LU for square and QR for tall full-rank systems, the
 * SVD pseudo-inverse otherwise. The systems this package solves (R x R normal equations of CP-ALS) are
 * tiny; a GPU would spend longer on the round trip than on the solve.
 *
 * @param a `[m, n]`
 * @param b `[m, k]` (or a vector `[m]`, giving `[n]`)
 * @returns `[n, k]` (or `[n]`)
 * @throws ShapeError when `a` and `b` have different row counts or `a` is empty; DataError when either
 *   holds NaN or Infinity.
 */
export async function lstsq(a: tf.Tensor2D, b: tf.Tensor1D | tf.Tensor2D): Promise<tf.Tensor> {
  assertRank(a, 2, 'lstsq() a');
  assertNonEmptyMatrix(a, 'lstsq() a');
  if (b.shape[0] !== a.shape[0] || b.rank > 2) {
    throw new ShapeError(
      `lstsq() a is ${describeShape(a.shape)} so b needs ${a.shape[0]} rows, but b is ${describeShape(b.shape)}. Pass b as [${a.shape[0]}] or [${a.shape[0]}, k].`,
    );
  }
  const isVector = b.rank === 1;
  const bMatrix = (isVector ? tf.reshape(b, [b.shape[0], 1]) : b) as tf.Tensor2D;
  const [hostA, hostB] = await Promise.all([toHost(a), toHost(bMatrix)]);
  if (isVector) bMatrix.dispose();
  assertFiniteHost(hostA, 'lstsq() a');
  assertFiniteHost(hostB, 'lstsq() b');
  const x = fromHost(hostSolve(hostA, hostB));
  if (!isVector) return x;
  const flat = tf.reshape(x, [x.shape[0]]);
  x.dispose();
  return flat;
}

/** {@link lstsq} on host matrices. */
export function hostSolve(a: Matrix, b: Matrix): Matrix {
  if (a.rows === a.columns) {
    const lu = new LuDecomposition(a);
    if (!lu.isSingular()) {
      const x = lu.solve(b);
      if (isFiniteMatrix(x)) return x;
    }
  } else if (a.rows > a.columns) {
    const qr = new QrDecomposition(a);
    if (qr.isFullRank()) return qr.solve(b);
  }
  return new SingularValueDecomposition(a, { autoTranspose: true }).solve(b);
}

function isFiniteMatrix(m: Matrix): boolean {
  for (const row of m.to2DArray()) for (const v of row) if (!Number.isFinite(v)) return false;
  return true;
}
