import { ConfigError, tf } from '@tensorfold/core';

/** Options of {@link vec}. */
export interface VecOptions {
  /**
   * `'F'` (default): column-major, the linear-algebra `vec` that stacks a matrix's columns, for which
   * `vec(A·B·C) = (Cᵀ ⊗ A)·vec(B)` holds. `'C'`: row-major, TensorLy's `tensor_to_vec` (a plain reshape).
   */
  order?: 'F' | 'C';
}

/**
 * Vectorization: the tensor's entries as one vector.
 *
 * Differs from TensorLy's `tensor_to_vec` by default: TensorLy flattens in C order, but the identity
 * `vec(ABC) = (Cᵀ ⊗ A) vec(B)` (and the seed text's linear algebra) assumes column stacking, so the
 * default here is `'F'`; pass `{order: 'C'}` for TensorLy's behaviour.
 *
 * @param tensor Any tensor `[n0, ..., nN-1]`.
 * @returns `[n0·...·nN-1]`
 */
export function vec(tensor: tf.Tensor, options: VecOptions = {}): tf.Tensor1D {
  const order = options.order ?? 'F';
  if (order !== 'F' && order !== 'C')
    throw new ConfigError(`vec() order must be 'F' or 'C', got '${order}'.`);
  return tf.tidy(() => {
    if (order === 'C' || tensor.rank <= 1) return tf.reshape(tensor, [-1]);
    // Reversing the axes turns C order into F order.
    const reversed = tensor.shape.map((_, i) => tensor.rank - 1 - i);
    return tf.reshape(tf.transpose(tensor, reversed), [-1]);
  });
}
