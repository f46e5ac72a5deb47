/**
 * Derivatives of activations written in terms of their outputs (`tanh' = 1 − y²`), which is what
 * the recurrences' hand-written backward passes need: they keep each step's activated values and
 * never the pre-activations. Activations without such a form make the recurrence fall back to
 * tfjs's automatic differentiation.
 */
import type { Activation } from '@tensorfold/core';
import { tf } from '@tensorfold/core';

/** `f'(x)` as a function of `y = f(x)` (a new tensor of y's shape). */
export type OutputDerivative = (y: tf.Tensor) => tf.Tensor;

/** The output-form derivative of `activation`, or null when it has none here. */
export function derivativeFromOutput(activation: Activation): OutputDerivative | null {
  const config = activation.getConfig();
  switch (activation.className) {
    case 'linear':
      return (y) => tf.onesLike(y);
    case 'tanh':
      return (y) => tf.sub(1, tf.square(y));
    case 'sigmoid':
      return (y) => tf.mul(y, tf.sub(1, y));
    case 'hardSigmoid':
      // 0.2 strictly inside the linear part (0 < y < 1), 0 where it saturates.
      return (y) => tf.mul(tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 1)), 'float32'), 0.2);
    case 'relu':
      return (y) => tf.cast(tf.greater(y, 0), 'float32');
    case 'softsign':
      return (y) => tf.square(tf.sub(1, tf.abs(y)));
    case 'elu':
      return config.alpha == null || config.alpha === 1
        ? (y) => tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1))
        : null;
    default:
      return null;
  }
}
