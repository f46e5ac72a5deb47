import { ShapeError, tf } from '@tensorfold/core';
import { assertRank, describeShape, normalizeMode, product } from '../validate.js';

/**
 * Refolds a mode-`mode` unfolding into a tensor of `shape`: the inverse of {@link unfold}, so
 * `fold(unfold(x, n), n, x.shape)` equals `x`.
 *
 * @param unfolded `[shape[mode], ∏_{k≠mode} shape[k]]`
 * @param mode The mode it was unfolded along.
 * @param shape The full shape of the tensor to rebuild.
 * @returns A tensor of `shape`.
 * @throws ShapeError when `unfolded` does not have the unfolding's shape.
 */
export function fold(unfolded: tf.Tensor, mode: number, shape: readonly number[]): tf.Tensor {
  assertRank(unfolded, 2, 'fold() input', 'Pass the matrix that unfold() returned.');
  const m = normalizeMode(mode, shape.length);
  const rest = product(shape) / Math.max(shape[m], 1);
  if (unfolded.shape[0] !== shape[m] || unfolded.shape[1] !== rest) {
    throw new ShapeError(
      `fold() of a ${describeShape(unfolded.shape)} matrix into ${describeShape(shape)} along mode ${m}: expected ${shape[m]}x${rest} (mode size x product of the other sizes). Check mode and shape.`,
    );
  }
  return tf.tidy(() => {
    if (m === 0) return tf.reshape(unfolded, [...shape]);
    const others = shape.filter((_, i) => i !== m);
    // [n_mode, others...] -> move axis 0 back to position m
    const moved = tf.reshape(unfolded, [shape[m], ...others]);
    const order: number[] = [];
    for (let i = 0; i < shape.length; i++) order.push(i < m ? i + 1 : i === m ? 0 : i);
    return tf.transpose(moved, order);
  });
}
