import { ShapeError, tf } from '@tensorfold/core';
import { describeShape } from '../validate.js';
import type { Decomposition } from './decomposition.js';

/**
 * Relative reconstruction error `‖tensor − approximation‖_F / ‖tensor‖_F`.
 *
 * @param tensor The reference, `[n0, ..., nN-1]`.
 * @param approximation A tensor of the same shape, or a decomposition (reconstructed for the occasion).
 * @returns A scalar tensor (read it with `await e.data()`).
 * @throws ShapeError when the shapes differ.
 */
export function relativeError(tensor: tf.Tensor, approximation: tf.Tensor | Decomposition): tf.Scalar {
  if (!tf.util.arraysEqual(tensor.shape, approximation.shape)) {
    throw new ShapeError(
      `relativeError() compares tensors of one shape: the reference is ${describeShape(tensor.shape)} but the approximation is ${describeShape(approximation.shape)}.`,
    );
  }
  return tf.tidy(() => {
    const dense = approximation instanceof tf.Tensor ? approximation : approximation.toTensor();
    return tf.div(tf.sqrt(tf.sum(tf.square(tf.sub(tensor, dense)))), tf.sqrt(tf.sum(tf.square(tensor))));
  });
}

/** The number of values a decomposition stores (see {@link Decomposition.parameterCount}). */
export function parameterCount(decomposition: Decomposition): number {
  return decomposition.parameterCount();
}

/** Dense size over stored size (see {@link Decomposition.compressionRatio}). */
export function compressionRatio(decomposition: Decomposition): number {
  return decomposition.compressionRatio();
}
