import { register, tf } from '@tensorfold/core';
import { type LossArgs, LossBase } from './loss.js';

/**
 * Targets for the hinge losses: labels in {0, 1} become {-1, 1}, as Keras converts them; targets that
 * already use -1 are left alone. Decided on the device (no read-back).
 */
function signedLabels(yTrue: tf.Tensor): tf.Tensor {
  const binary = tf.all(tf.logicalOr(tf.equal(yTrue, 0), tf.equal(yTrue, 1)));
  return tf.where(binary, tf.sub(tf.mul(yTrue, 2), 1), yTrue);
}

/** Hinge loss `mean(max(1 - y * p, 0))` over the last axis; targets in {-1, 1} or {0, 1}. Output: `[batch]`. */
export class Hinge extends LossBase {
  readonly className = 'Hinge';
  constructor(args: LossArgs = {}) {
    super(args, 'hinge');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.mean(tf.relu(tf.sub(1, tf.mul(signedLabels(yTrue), yPred))), -1);
  }
}

/** Squared hinge loss `mean(max(1 - y * p, 0)^2)` over the last axis. Output: `[batch]`. */
export class SquaredHinge extends LossBase {
  readonly className = 'SquaredHinge';
  constructor(args: LossArgs = {}) {
    super(args, 'squared_hinge');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.mean(tf.square(tf.relu(tf.sub(1, tf.mul(signedLabels(yTrue), yPred)))), -1);
  }
}

/**
 * Categorical hinge `max(0, 1 + max((1 - y) * p) - sum(y * p))` for one-hot targets: the margin by
 * which the best wrong class must trail the right one. Output: `[batch]`.
 */
export class CategoricalHinge extends LossBase {
  readonly className = 'CategoricalHinge';
  constructor(args: LossArgs = {}) {
    super(args, 'categorical_hinge');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const positive = tf.sum(tf.mul(yTrue, yPred), -1);
    const negative = tf.max(tf.mul(tf.sub(1, yTrue), yPred), -1);
    return tf.relu(tf.add(tf.sub(negative, positive), 1));
  }
}

/** Hinge loss (see {@link Hinge}). */
export function hinge(args: LossArgs = {}): Hinge {
  return new Hinge(args);
}
/** Squared hinge loss (see {@link SquaredHinge}). */
export function squaredHinge(args: LossArgs = {}): SquaredHinge {
  return new SquaredHinge(args);
}
/** Categorical hinge loss (see {@link CategoricalHinge}). */
export function categoricalHinge(args: LossArgs = {}): CategoricalHinge {
  return new CategoricalHinge(args);
}

register('loss', 'Hinge', (c) => new Hinge(c));
register('loss', 'SquaredHinge', (c) => new SquaredHinge(c));
register('loss', 'CategoricalHinge', (c) => new CategoricalHinge(c));
