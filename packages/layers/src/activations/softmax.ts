/** Softmax and log-softmax: turn scores into a probability distribution along the last axis. */
import { tf } from '@tensorfold/core';
import { ActivationFunction } from './activation-function.js';

/**
 * `softmax(x)_i = exp(x_i) / Σ_j exp(x_j)` along the last axis: outputs are positive and sum to 1,
 * the usual output of a multi-class classifier (pair it with categorical cross-entropy).
 */
export class SoftmaxActivation extends ActivationFunction {
  readonly className = 'softmax';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.softmax(x, -1);
  }
}

/** `logSoftmax(x) = x - log Σ exp(x)` along the last axis (numerically stable log-probabilities). */
export class LogSoftmax extends ActivationFunction {
  readonly className = 'logSoftmax';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.logSoftmax(x, -1);
  }
}
