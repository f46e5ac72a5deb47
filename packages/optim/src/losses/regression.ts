import { register, tf } from '@tensorfold/core';
import { checkPositive } from '../checks.js';
import { EPSILON, type LossArgs, LossBase, resolveAxis } from './loss.js';

/**
 * Mean squared error: `mean((y - p)^2)` over the last axis. The loss of regression.
 * Input: targets and predictions `[batch, units]`. Output: `[batch]`.
 */
export class MeanSquaredError extends LossBase {
  readonly className = 'MeanSquaredError';
  constructor(args: LossArgs = {}) {
    super(args, 'mean_squared_error');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.mean(tf.squaredDifference(yTrue, yPred), -1);
  }
}

/** Mean absolute error: `mean(|y - p|)` over the last axis. Output: `[batch]`. */
export class MeanAbsoluteError extends LossBase {
  readonly className = 'MeanAbsoluteError';
  constructor(args: LossArgs = {}) {
    super(args, 'mean_absolute_error');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.mean(tf.abs(tf.sub(yTrue, yPred)), -1);
  }
}

/**
 * Mean absolute percentage error: `100 * mean(|y - p| / max(|y|, 1e-7))` over the last axis.
 * Output: `[batch]`.
 */
export class MeanAbsolutePercentageError extends LossBase {
  readonly className = 'MeanAbsolutePercentageError';
  constructor(args: LossArgs = {}) {
    super(args, 'mean_absolute_percentage_error');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const relative = tf.div(tf.abs(tf.sub(yTrue, yPred)), tf.maximum(tf.abs(yTrue), EPSILON));
    return tf.mul(tf.mean(relative, -1), 100);
  }
}

/**
 * Mean squared logarithmic error: `mean((log(1 + p) - log(1 + y))^2)` over the last axis, with `p` and
 * `y` floored at 1e-7. Output: `[batch]`.
 */
export class MeanSquaredLogarithmicError extends LossBase {
  readonly className = 'MeanSquaredLogarithmicError';
  constructor(args: LossArgs = {}) {
    super(args, 'mean_squared_logarithmic_error');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const logP = tf.log1p(tf.maximum(yPred, EPSILON));
    const logY = tf.log1p(tf.maximum(yTrue, EPSILON));
    return tf.mean(tf.squaredDifference(logP, logY), -1);
  }
}

/** Options of {@link huber}. */
export interface HuberArgs extends LossArgs {
  /** Where the loss turns from quadratic to linear (> 0). Default 1. */
  delta?: number;
}

/**
 * Huber loss: for each error `e = p - y`, `e^2 / 2` when `|e| <= delta`, else
 * `delta * (|e| - delta / 2)`; averaged over the last axis. Less sensitive to outliers than MSE.
 * Output: `[batch]`.
 */
export class Huber extends LossBase {
  readonly className = 'Huber';
  readonly delta: number;
  constructor(args: HuberArgs = {}) {
    super(args, 'huber_loss');
    this.delta = checkPositive(args.delta ?? 1, 'huber delta');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const absError = tf.abs(tf.sub(yPred, yTrue));
    const quadratic = tf.minimum(absError, this.delta);
    const linear = tf.sub(absError, quadratic);
    return tf.mean(tf.add(tf.mul(tf.square(quadratic), 0.5), tf.mul(linear, this.delta)), -1);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), delta: this.delta };
  }
}

/**
 * Log-cosh: `mean(log(cosh(p - y)))` over the last axis, computed as `x + softplus(-2x) - log 2`, which
 * is finite for any error (cosh overflows past |x| ~ 89). Output: `[batch]`.
 */
export class LogCosh extends LossBase {
  readonly className = 'LogCosh';
  constructor(args: LossArgs = {}) {
    super(args, 'log_cosh');
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const x = tf.sub(yPred, yTrue);
    return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(x, -2))), Math.LN2), -1);
  }
}

/** Options of {@link cosineSimilarity}. */
export interface CosineSimilarityArgs extends LossArgs {
  /** The axis along which vectors are compared. Default -1. */
  axis?: number;
}

/**
 * Negative cosine similarity, `-sum(normalize(y) * normalize(p))` along `axis` (so minimizing it
 * aligns the vectors): -1 for the same direction, 0 for orthogonal, 1 for opposite. Zero vectors give
 * 0. Output: `[batch]`.
 */
export class CosineSimilarity extends LossBase {
  readonly className = 'CosineSimilarity';
  readonly axis: number;
  constructor(args: CosineSimilarityArgs = {}) {
    super(args, 'cosine_similarity');
    this.axis = args.axis ?? -1;
  }
  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const axis = resolveAxis(this.axis, yPred.rank, this.name);
    return tf.neg(tf.sum(tf.mul(l2Normalize(yTrue, axis), l2Normalize(yPred, axis)), axis));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** `x / sqrt(max(sum(x^2), 1e-12))` along `axis` (zero vectors stay zero). */
export function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), axis, true), 1e-12)));
}

/** Mean squared error (see {@link MeanSquaredError}). */
export function meanSquaredError(args: LossArgs = {}): MeanSquaredError {
  return new MeanSquaredError(args);
}
/** Mean absolute error (see {@link MeanAbsoluteError}). */
export function meanAbsoluteError(args: LossArgs = {}): MeanAbsoluteError {
  return new MeanAbsoluteError(args);
}
/** Mean absolute percentage error (see {@link MeanAbsolutePercentageError}). */
export function meanAbsolutePercentageError(args: LossArgs = {}): MeanAbsolutePercentageError {
  return new MeanAbsolutePercentageError(args);
}
/** Mean squared logarithmic error (see {@link MeanSquaredLogarithmicError}). */
export function meanSquaredLogarithmicError(args: LossArgs = {}): MeanSquaredLogarithmicError {
  return new MeanSquaredLogarithmicError(args);
}
/** Huber loss (see {@link Huber}). */
export function huber(args: HuberArgs = {}): Huber {
  return new Huber(args);
}
/** Log-cosh loss (see {@link LogCosh}). */
export function logCosh(args: LossArgs = {}): LogCosh {
  return new LogCosh(args);
}
/** Negative cosine similarity loss (see {@link CosineSimilarity}). */
export function cosineSimilarity(args: CosineSimilarityArgs = {}): CosineSimilarity {
  return new CosineSimilarity(args);
}

register('loss', 'MeanSquaredError', (c) => new MeanSquaredError(c), ['mse']);
register('loss', 'MeanAbsoluteError', (c) => new MeanAbsoluteError(c), ['mae']);
register('loss', 'MeanAbsolutePercentageError', (c) => new MeanAbsolutePercentageError(c), ['mape']);
register('loss', 'MeanSquaredLogarithmicError', (c) => new MeanSquaredLogarithmicError(c), ['msle']);
register('loss', 'Huber', (c) => new Huber(c as HuberArgs), ['huber_loss']);
register('loss', 'LogCosh', (c) => new LogCosh(c));
register('loss', 'CosineSimilarity', (c) => new CosineSimilarity(c as CosineSimilarityArgs), [
  'cosine_proximity',
]);
