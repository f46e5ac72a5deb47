import { ConfigError, tf } from '@tensorfold/core';

/**
 * The norm of a tensor seen as one long vector (TensorLy's `norm`).
 *
 * @param tensor Any tensor.
 * @param order `2` (default): the Frobenius norm `sqrt(Σ x²)`; `1`: `Σ |x|`; `Infinity`: `max |x|`.
 * @returns A scalar tensor (read it with `await s.data()`).
 * @throws ConfigError for another order.
 */
export function norm(tensor: tf.Tensor, order: 1 | 2 | typeof Number.POSITIVE_INFINITY = 2): tf.Scalar {
  if (order !== 1 && order !== 2 && order !== Number.POSITIVE_INFINITY) {
    throw new ConfigError(`norm() order must be 1, 2 or Infinity, got ${order}.`);
  }
  return tf.tidy(() => {
    if (order === 2) return tf.sqrt(tf.sum(tf.square(tensor))) as tf.Scalar;
    if (order === 1) return tf.sum(tf.abs(tensor)) as tf.Scalar;
    return tf.max(tf.abs(tensor)) as tf.Scalar;
  });
}
