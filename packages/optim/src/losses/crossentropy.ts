import { register, ShapeError, SPARSE_CROSSENTROPY_MEAN, sparseCrossentropyMean, tf } from '@tensorfold/core';
import { checkNumber } from '../checks.js';
import {
  categoricalCrossentropyMeanOfProbabilities,
  categoricalCrossentropyOfProbabilities,
  crossentropyGradientWritten,
} from './categorical-probabilities.js';
import { EPSILON, type LossArgs, LossBase, resolveAxis, toFloat } from './loss.js';

/** Options of the cross-entropy losses. */
export interface CrossentropyArgs extends LossArgs {
  /** Predictions are logits (unnormalized scores), not probabilities. Default `false`. */
  fromLogits?: boolean;
  /**
   * Softens the targets: categorical `y * (1 - s) + s / classes`, binary `y * (1 - s) + s / 2`.
   * In [0, 1]. Default 0.
   */
  labelSmoothing?: number;
  /** The class axis. Default -1 (last). */
  axis?: number;
}

function checkSmoothing(value: number | undefined): number {
  return checkNumber(value ?? 0, 'labelSmoothing', (x) => x >= 0 && x <= 1, 'in [0, 1]');
}

/** `log(p)` for probabilities `p` normalized over `axis` and clipped to [eps, 1 - eps], as Keras does. */
function logProbabilities(yPred: tf.Tensor, axis: number): tf.Tensor {
  const normalized = tf.div(yPred, tf.sum(yPred, axis, true));
  return tf.log(tf.clipByValue(normalized, EPSILON, 1 - EPSILON));
}

/**
 * What categorical and binary cross-entropy share: the `fromLogits`, `labelSmoothing` and `axis`
 * options (checked) and the config that saves them.
 */
export abstract class SmoothedCrossentropy extends LossBase {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  protected constructor(args: CrossentropyArgs, defaultName: string) {
    super(args, defaultName);
    this.fromLogits = args.fromLogits ?? false;
    this.labelSmoothing = checkSmoothing(args.labelSmoothing);
    this.axis = args.axis ?? -1;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

/**
 * Cross-entropy between one-hot (or soft) targets and predicted class probabilities:
 * `-sum(y * log(p))` over the class axis. Probabilities are renormalized and clipped to
 * [1e-7, 1 - 1e-7], so a probability of exactly 0 gives a large finite loss, not Infinity; with
 * `fromLogits` the stable `log_softmax` form is used, finite for any logits.
 *
 * Input: targets and predictions `[batch, classes]` (or `[batch, ..., classes]`). Output: `[batch]`.
 *
 * @example
 * model.compile({ optimizer: 'adam', loss: categoricalCrossentropy({ labelSmoothing: 0.1 }) });
 */
export class CategoricalCrossentropy extends SmoothedCrossentropy {
  readonly className = 'CategoricalCrossentropy';

  constructor(args: CrossentropyArgs = {}) {
    super(args, 'categorical_crossentropy');
  }

  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const axis = resolveAxis(this.axis, yPred.rank, this.name);
    let y = yTrue; // [batch, classes]
    if (this.labelSmoothing > 0) {
      const classes = yPred.shape[axis];
      y = tf.add(tf.mul(y, 1 - this.labelSmoothing), this.labelSmoothing / classes);
    }
    if (!this.fromLogits && crossentropyGradientWritten()) {
      return categoricalCrossentropyOfProbabilities(y, yPred, axis); // [batch]
    }
    const logP = this.fromLogits ? tf.logSoftmax(yPred, axis) : logProbabilities(yPred, axis);
    return tf.neg(tf.sum(tf.mul(y, logP), axis)); // [batch]
  }

  /**
   * The batch's mean loss in one kernel (forward and backward) on probabilities without label
   * smoothing, targets and predictions `[batch, classes]` alike, where the backend registers it (WASM);
   * `null` elsewhere (the training loop averages {@link LossBase.call}'s values: the same bits).
   */
  batchMean(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar | null {
    if (this.fromLogits || this.labelSmoothing > 0 || yPred.rank !== 2) return null;
    return categoricalCrossentropyMeanOfProbabilities(yTrue, yPred, resolveAxis(this.axis, 2, this.name));
  }
}

/** Options of {@link sparseCategoricalCrossentropy}. */
export interface SparseCategoricalCrossentropyArgs extends LossArgs {
  /** Predictions are logits, not probabilities. Default `false`. */
  fromLogits?: boolean;
}

/**
 * Cross-entropy between integer class ids and predicted class probabilities: `-log(p[label])`.
 * Labels may be `[batch]` or `[batch, 1]` (or `[batch, time]` against `[batch, time, classes]`).
 * A label outside `[0, classes)` makes that sample's loss NaN, so training stops with a clear error
 * instead of silently learning nothing from it.
 *
 * @example
 * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 */
export class SparseCategoricalCrossentropy extends LossBase {
  readonly className = 'SparseCategoricalCrossentropy';
  readonly fromLogits: boolean;

  constructor(args: SparseCategoricalCrossentropyArgs = {}) {
    super(args, 'sparse_categorical_crossentropy');
    this.fromLogits = args.fromLogits ?? false;
  }

  protected override alignTargets(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return sparseLabels(yTrue, yPred, this.name);
  }

  protected compute(labels: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const classes = yPred.shape[yPred.rank - 1];
    const logP = this.fromLogits ? tf.logSoftmax(yPred, -1) : logProbabilities(yPred, -1); // [batch, classes]
    const picked = tf.sum(tf.mul(tf.oneHot(labels, classes, 1, 0, 'float32'), logP), -1); // [batch]
    const valid = tf.logicalAnd(
      tf.greaterEqual(labels, tf.scalar(0, 'int32')),
      tf.less(labels, tf.scalar(classes, 'int32')),
    );
    return tf.where(valid, tf.neg(picked), tf.fill(picked.shape, Number.NaN));
  }

  /**
   * The batch's mean loss in one kernel (forward and backward) on probabilities `[batch, classes]`,
   * where the backend registers core's `SPARSE_CROSSENTROPY_MEAN` (WASM); `null` elsewhere (the
   * training loop averages {@link LossBase.call}'s values: the same to float tolerance).
   */
  batchMean(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar | null {
    // (the kernel looked up first: where there is none, float ids are not converted twice)
    if (
      this.fromLogits ||
      yPred.rank !== 2 ||
      tf.getKernel(SPARSE_CROSSENTROPY_MEAN, tf.getBackend()) == null
    )
      return null;
    // (tidy frees the labels sparseLabels may make; null passes through it)
    return tf.tidy(
      () => sparseCrossentropyMean(sparseLabels(yTrue, yPred, this.name), yPred) as tf.Scalar,
    ) as tf.Scalar | null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits };
  }
}

/**
 * Integer labels `[batch, ...]` (int32) for predictions `[batch, ..., classes]`: accepts labels with a
 * trailing axis of 1, and float labels holding whole numbers. A float label that is NaN, infinite or
 * outside `[0, classes)` becomes -1 (an invalid id), never a valid class: casting it directly would
 * turn NaN into class 0 and wrap huge values into range.
 * @throws ShapeError when the shapes do not fit.
 */
export function sparseLabels(yTrue: tf.Tensor, yPred: tf.Tensor, what: string): tf.Tensor {
  let labels = yTrue;
  if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) labels = tf.squeeze(labels, [-1]);
  if (!tf.util.arraysEqual(labels.shape, yPred.shape.slice(0, -1))) {
    throw new ShapeError(
      `${what}: class-id targets of shape [${yTrue.shape}] do not fit predictions of shape [${yPred.shape}]; ` +
        `expected [${yPred.shape.slice(0, -1)}] (one id per sample). For one-hot targets use the non-sparse version.`,
    );
  }
  if (labels.dtype === 'int32') return labels;
  const classes = yPred.shape[yPred.rank - 1];
  const rounded = tf.round(toFloat(labels)); // [batch, ...]
  // NaN fails both comparisons; +-Infinity fails one.
  const valid = tf.logicalAnd(tf.greaterEqual(rounded, 0), tf.less(rounded, classes));
  return tf.cast(tf.where(valid, rounded, tf.fill(rounded.shape, -1)), 'int32');
}

/**
 * Cross-entropy for binary (and multi-label) targets in {0, 1} against probabilities of the positive
 * class: `-(y log p + (1 - y) log(1 - p))`, averaged over the last axis. Probabilities are clipped to
 * [1e-7, 1 - 1e-7] (finite at exactly 0 and 1); with `fromLogits` the stable form
 * `max(x, 0) - x y + log(1 + exp(-|x|))` is used.
 *
 * Input: `[batch, units]` (or `[batch]` targets against `[batch, 1]`). Output: `[batch]`.
 */
export class BinaryCrossentropy extends SmoothedCrossentropy {
  readonly className = 'BinaryCrossentropy';

  constructor(args: CrossentropyArgs = {}) {
    super(args, 'binary_crossentropy');
  }

  protected compute(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const axis = resolveAxis(this.axis, yPred.rank, this.name);
    const y =
      this.labelSmoothing > 0
        ? tf.add(tf.mul(yTrue, 1 - this.labelSmoothing), 0.5 * this.labelSmoothing)
        : yTrue;
    let elementwise: tf.Tensor; // [batch, units]
    if (this.fromLogits) {
      const x = yPred;
      elementwise = tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    } else {
      const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
      elementwise = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
    }
    return tf.mean(elementwise, axis);
  }
}

/** Categorical cross-entropy for one-hot targets (see {@link CategoricalCrossentropy}). */
export function categoricalCrossentropy(args: CrossentropyArgs = {}): CategoricalCrossentropy {
  return new CategoricalCrossentropy(args);
}

/** Cross-entropy for integer class ids (see {@link SparseCategoricalCrossentropy}). */
export function sparseCategoricalCrossentropy(
  args: SparseCategoricalCrossentropyArgs = {},
): SparseCategoricalCrossentropy {
  return new SparseCategoricalCrossentropy(args);
}

/** Binary cross-entropy (see {@link BinaryCrossentropy}). */
export function binaryCrossentropy(args: CrossentropyArgs = {}): BinaryCrossentropy {
  return new BinaryCrossentropy(args);
}

register('loss', 'CategoricalCrossentropy', (c) => new CategoricalCrossentropy(c as CrossentropyArgs));
register(
  'loss',
  'SparseCategoricalCrossentropy',
  (c) => new SparseCategoricalCrossentropy(c as SparseCategoricalCrossentropyArgs),
);
register('loss', 'BinaryCrossentropy', (c) => new BinaryCrossentropy(c as CrossentropyArgs));
