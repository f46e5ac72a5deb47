import { register, tf } from '@tensorfold/core';
import { EPSILON, type LossArgs, LossBase } from './loss.js';

/**
 * Kullback-Leibler divergence `sum(y * log(y / p))` over the last axis, with `y` and `p` clipped to
 * [1e-7, 1] (so zeros give finite values). Output: `[batch]`.
 */
export class KLDivergence extends LossBase {
  readonly className = 'KLDivergence';
  constructor(args: LossArgs = {}) {
    super(args, 'kl_divergence');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const y = tf.clipByValue(yTrue, EPSILON, 1);
    const p = tf.clipByValue(yPred, EPSILON, 1);
    return tf.sum(tf.mul(y, tf.log(tf.div(y, p))), -1);
  }
}

/**
 * Poisson loss `mean(p - y * log(p + 1e-7))` over the last axis, for count targets. Predictions are
 * rates and must be >= 0 (give the model an exponential or softplus output); a negative one makes the
 * loss NaN, as in Keras. Output: `[batch]`.
 */
export class Poisson extends LossBase {
  readonly className = 'Poisson';
  constructor(args: LossArgs = {}) {
    super(args, 'poisson');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.mean(tf.sub(yPred, tf.mul(yTrue, tf.log(tf.add(yPred, EPSILON)))), -1);
  }
}

/** KL divergence (see {@link KLDivergence}). */
export function klDivergence(args: LossArgs = {}): KLDivergence {
  return new KLDivergence(args);
}
/** Poisson loss (see {@link Poisson}). */
export function poisson(args: LossArgs = {}): Poisson {
  return new Poisson(args);
}

register('loss', 'KLDivergence', (c) => new KLDivergence(c), ['kld', 'kullback_leibler_divergence']);
register('loss', 'Poisson', (c) => new Poisson(c));
