import { tf } from '@tensorfold/core';
import { assertCount, assertRank } from '../validate.js';

/**
 * Outer product of N vectors, `u1 ∘ u2 ∘ ... ∘ uN`: the order-N tensor with
 * `T[i1, ..., iN] = u1[i1] · u2[i2] · ... · uN[iN]` (seed text, eq. 1).
 *
 * A rank-one tensor; a CP decomposition is a weighted sum of these.
 *
 * @param vectors Two or more rank-1 tensors `[n1]`, `[n2]`, ...
 * @returns `[n1, n2, ..., nN]`
 * @throws ShapeError when one of them is not a vector.
 *
 * @example
 * outer([tf.tensor1d([1, 2]), tf.tensor1d([3, 4, 5])]); // [[3, 4, 5], [6, 8, 10]]
 */
export function outer(vectors: readonly tf.Tensor[]): tf.Tensor {
  assertCount(vectors.length, 1, 'outer() vectors');
  for (const [i, v] of vectors.entries()) {
    assertRank(v, 1, `outer() vector ${i}`, 'Flatten it with tf.reshape(v, [-1]).');
  }
  return tf.tidy(() => {
    let result: tf.Tensor = vectors[0];
    for (let k = 1; k < vectors.length; k++) {
      const v = vectors[k];
      // [n1..nk-1, 1] * [nk] -> [n1..nk]
      result = tf.mul(tf.expandDims(result, -1), v);
    }
    return vectors.length === 1 ? tf.clone(result) : result;
  });
}
