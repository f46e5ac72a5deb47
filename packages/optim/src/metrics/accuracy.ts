import { register, SPARSE_ACCURACY_UPDATE, sparseAccuracyUpdate, tf } from '@tensorfold/core';
import { checkInteger, checkNumber } from '../checks.js';
import { sparseLabels } from '../losses/crossentropy.js';
import { matchShape, toFloat } from '../losses/loss.js';
import { MeanMetric, type MetricArgs } from './metric.js';

/** Options of {@link binaryAccuracy}. */
export interface BinaryAccuracyArgs extends MetricArgs {
  /** A prediction above this counts as class 1. Default 0.5. */
  threshold?: number;
}

/**
 * The fraction of binary (or multi-label) predictions that match targets in {0, 1}, a prediction
 * counting as 1 when it exceeds `threshold`. Per sample, the mean over the last axis.
 */
export class BinaryAccuracy extends MeanMetric {
  readonly className = 'BinaryAccuracy';
  readonly threshold: number;
  constructor(args: BinaryAccuracyArgs = {}) {
    super(args, 'binary_accuracy');
    this.threshold = checkNumber(args.threshold ?? 0.5, 'binaryAccuracy threshold');
  }
  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const y = matchShape(toFloat(yTrue), yPred, this.name); // [batch, units]
    const predicted = tf.cast(tf.greater(yPred, this.threshold), 'float32');
    return tf.mean(tf.cast(tf.equal(y, predicted), 'float32'), -1); // [batch]
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}

/**
 * The fraction of samples whose highest-scoring class is the target's (one-hot targets). Ties go to
 * the first class, as `argMax` picks.
 */
export class CategoricalAccuracy extends MeanMetric {
  readonly className = 'CategoricalAccuracy';
  constructor(args: MetricArgs = {}) {
    super(args, 'categorical_accuracy');
  }
  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const y = matchShape(toFloat(yTrue), yPred, this.name); // [batch, classes]
    return tf.cast(tf.equal(tf.argMax(y, -1), tf.argMax(yPred, -1)), 'float32'); // [batch]
  }
}

/** The fraction of samples whose highest-scoring class is the target class id. */
export class SparseCategoricalAccuracy extends MeanMetric {
  readonly className = 'SparseCategoricalAccuracy';
  constructor(args: MetricArgs = {}) {
    super(args, 'sparse_categorical_accuracy');
  }
  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const labels = sparseLabels(yTrue, yPred, this.name); // [batch] int32
    return tf.cast(tf.equal(labels, tf.argMax(yPred, -1)), 'float32'); // [batch]
  }
  /** One kernel for the whole update on `[batch, classes]` predictions where the backend has it (WASM). */
  protected override fusedUpdate(
    yTrue: tf.Tensor,
    yPred: tf.Tensor,
    total: tf.Scalar,
    count: tf.Scalar,
  ): [tf.Scalar, tf.Scalar] | null {
    // (checked first: where there is no kernel, float ids are not converted twice)
    if (yPred.rank !== 2 || tf.getKernel(SPARSE_ACCURACY_UPDATE, tf.getBackend()) == null) return null;
    return sparseAccuracyUpdate(sparseLabels(yTrue, yPred, this.name), yPred, total, count);
  }
}

/** Options of the top-k accuracies. */
export interface TopKArgs extends MetricArgs {
  /** How many of the highest-scoring classes may contain the target. Default 5. */
  k?: number;
}

/**
 * 1 for a sample whose target class scores higher than all but fewer than `k` classes, else 0 (also
 * for a target id outside `[0, classes)`, which is no class at all).
 * `scores [batch, classes]`, `target [batch]` int32.
 */
function inTopK(scores: tf.Tensor, target: tf.Tensor, k: number): tf.Tensor {
  const classes = scores.shape[scores.rank - 1];
  const targetScore = tf.sum(tf.mul(scores, tf.oneHot(target, classes, 1, 0, 'float32')), -1, true); // [batch, 1]
  const higher = tf.sum(tf.cast(tf.greater(scores, targetScore), 'float32'), -1); // [batch]
  const valid = tf.logicalAnd(tf.greaterEqual(target, 0), tf.less(target, classes)); // [batch]
  return tf.cast(tf.logicalAnd(valid, tf.less(higher, k)), 'float32');
}

/** Whether the target class (one-hot) is among the `k` highest predictions. */
export class TopKCategoricalAccuracy extends MeanMetric {
  readonly className = 'TopKCategoricalAccuracy';
  readonly k: number;
  constructor(args: TopKArgs = {}) {
    super(args, 'top_k_categorical_accuracy');
    this.k = checkInteger(args.k ?? 5, 'topKCategoricalAccuracy k', 1);
  }
  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const y = matchShape(toFloat(yTrue), yPred, this.name);
    return inTopK(yPred, tf.argMax(y, -1), this.k);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}

/** Whether the target class id is among the `k` highest predictions. */
export class SparseTopKCategoricalAccuracy extends MeanMetric {
  readonly className = 'SparseTopKCategoricalAccuracy';
  readonly k: number;
  constructor(args: TopKArgs = {}) {
    super(args, 'sparse_top_k_categorical_accuracy');
    this.k = checkInteger(args.k ?? 5, 'sparseTopKCategoricalAccuracy k', 1);
  }
  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return inTopK(yPred, sparseLabels(yTrue, yPred, this.name), this.k);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}

/** Binary accuracy (see {@link BinaryAccuracy}). */
export function binaryAccuracy(args: BinaryAccuracyArgs = {}): BinaryAccuracy {
  return new BinaryAccuracy(args);
}
/** Categorical accuracy for one-hot targets (see {@link CategoricalAccuracy}). */
export function categoricalAccuracy(args: MetricArgs = {}): CategoricalAccuracy {
  return new CategoricalAccuracy(args);
}
/** Accuracy for class-id targets (see {@link SparseCategoricalAccuracy}). */
export function sparseCategoricalAccuracy(args: MetricArgs = {}): SparseCategoricalAccuracy {
  return new SparseCategoricalAccuracy(args);
}
/** Top-k accuracy for one-hot targets (see {@link TopKCategoricalAccuracy}). */
export function topKCategoricalAccuracy(args: TopKArgs = {}): TopKCategoricalAccuracy {
  return new TopKCategoricalAccuracy(args);
}
/** Top-k accuracy for class-id targets (see {@link SparseTopKCategoricalAccuracy}). */
export function sparseTopKCategoricalAccuracy(args: TopKArgs = {}): SparseTopKCategoricalAccuracy {
  return new SparseTopKCategoricalAccuracy(args);
}

register('metric', 'BinaryAccuracy', (c) => new BinaryAccuracy(c as BinaryAccuracyArgs));
register('metric', 'CategoricalAccuracy', (c) => new CategoricalAccuracy(c as MetricArgs));
register('metric', 'SparseCategoricalAccuracy', (c) => new SparseCategoricalAccuracy(c as MetricArgs));
register('metric', 'TopKCategoricalAccuracy', (c) => new TopKCategoricalAccuracy(c as TopKArgs), [
  'top_k_accuracy',
]);
register('metric', 'SparseTopKCategoricalAccuracy', (c) => new SparseTopKCategoricalAccuracy(c as TopKArgs), [
  'sparse_top_k_accuracy',
]);
