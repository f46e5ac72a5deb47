import * as tf from '@tensorflow/tfjs-core';
import { random } from './values.js';

/**
 * `[f(xs), ...d sum(f(xs) * c) / d x_i]` for a fixed cotangent `c` (so the gradients are not all
 * ones): the forward value and the gradient with respect to every input, as the engine's backward
 * pass computes them on the active backend.
 */
export function withGradients(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): tf.Tensor[] {
  const y = f(...xs);
  const next = random(y.size + 7);
  const cotangent = tf.tensor(
    Array.from({ length: y.size }, () => next() * 2 - 1),
    y.shape,
    'float32',
  );
  const gradients = tf.grads((...inputs: tf.Tensor[]) => tf.sum(tf.mul(f(...inputs), cotangent)))(xs);
  return [y, ...gradients];
}
