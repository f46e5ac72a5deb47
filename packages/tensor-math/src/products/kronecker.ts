import { tf } from '@tensorfold/core';
import { assertCount, assertRank } from '../validate.js';

/**
 * Kronecker product of two or more matrices, `A ⊗ B ⊗ ...` (seed text, eq. 2): the block matrix whose
 * block `(i, j)` is `a_ij · B`.
 *
 * @param matrices Matrices `[m1, n1]`, `[m2, n2]`, ... (a vector is not accepted: reshape it to `[n, 1]`).
 * @returns `[m1·m2·..., n1·n2·...]`
 * @throws ShapeError when one of them is not a matrix.
 *
 * @example
 * kronecker([tf.eye(2), tf.tensor2d([[1, 2], [3, 4]])]); // 4x4 block-diagonal
 */
export function kronecker(matrices: readonly tf.Tensor[]): tf.Tensor2D {
  assertCount(matrices.length, 1, 'kronecker() matrices');
  for (const [i, m] of matrices.entries()) {
    assertRank(m, 2, `kronecker() matrix ${i}`, 'Reshape a vector of length n to [n, 1] or [1, n].');
  }
  return tf.tidy(() => {
    let result = matrices[0] as tf.Tensor2D;
    for (let k = 1; k < matrices.length; k++) {
      const [m, n] = result.shape;
      const [p, q] = matrices[k].shape as [number, number];
      // [m, 1, n, 1] * [1, p, 1, q] -> [m, p, n, q] -> [m·p, n·q]
      const blocks = tf.mul(tf.reshape(result, [m, 1, n, 1]), tf.reshape(matrices[k], [1, p, 1, q]));
      result = tf.reshape(blocks, [m * p, n * q]);
    }
    return matrices.length === 1 ? tf.clone(result) : result;
  });
}
