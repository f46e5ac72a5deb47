import { ConfigError, ShapeError, tf } from '@tensorfold/core';
import { describeShape, product } from '../validate.js';

/** Options of {@link inner}. */
export interface InnerOptions {
  /**
   * Contract the last `nModes` modes of `a` with the first `nModes` of `b` (TensorLy's `n_modes`).
   * Default: all modes, giving the scalar `<a, b> = Σ a[i] · b[i]`.
   */
  nModes?: number;
}

/**
 * Inner product of two tensors (TensorLy's `tenalg.inner`). With all modes contracted it is the
 * scalar `Σ a[i]·b[i]`, and `inner(x, x)` is the squared Frobenius norm.
 *
 * @param a `[..., k1, ..., kn]`
 * @param b `[k1, ..., kn, ...]` (with all modes: the shape of `a`)
 * @returns A scalar, or the `[a's free modes..., b's free modes...]` tensor when `nModes` is smaller.
 * @throws ShapeError naming the contracted sizes that differ.
 */
export function inner(a: tf.Tensor, b: tf.Tensor, options: InnerOptions = {}): tf.Tensor {
  const nModes = options.nModes ?? a.rank;
  if (!Number.isInteger(nModes) || nModes < 0 || nModes > a.rank || nModes > b.rank) {
    throw new ConfigError(
      `inner() nModes must be an integer from 0 to ${Math.min(a.rank, b.rank)} (the smaller rank), got ${nModes}.`,
    );
  }
  const aContracted = a.shape.slice(a.rank - nModes);
  const bContracted = b.shape.slice(0, nModes);
  if (!tf.util.arraysEqual(aContracted, bContracted) || (options.nModes === undefined && a.rank !== b.rank)) {
    throw new ShapeError(
      `inner() contracts ${describeShape(aContracted)} (last ${nModes} modes of a, shape ${describeShape(a.shape)}) with ${describeShape(bContracted)} (first ${nModes} modes of b, shape ${describeShape(b.shape)}): they must match. Pass tensors of one shape, or set nModes.`,
    );
  }
  const aFree = a.shape.slice(0, a.rank - nModes);
  const bFree = b.shape.slice(nModes);
  const k = product(aContracted);
  return tf.tidy(() => {
    if (aFree.length === 0 && bFree.length === 0) return tf.sum(tf.mul(a, b));
    // [free_a, k] x [k, free_b] -> [free_a..., free_b...]
    const result = tf.matMul(tf.reshape(a, [product(aFree), k]), tf.reshape(b, [k, product(bFree)]));
    return tf.reshape(result, [...aFree, ...bFree]);
  });
}
