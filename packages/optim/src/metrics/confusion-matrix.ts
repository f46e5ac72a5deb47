import { register, ShapeError, tf } from '@tensorfold/core';
import { checkInteger } from '../checks.js';
import { toFloat } from '../losses/loss.js';
import { type MetricArgs, MetricBase, sampleWeights } from './metric.js';
import { Accumulators } from './state.js';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixArgs extends MetricArgs {
  /** Number of classes (2 for a single sigmoid output). */
  numClasses: number;
}

/**
 * The (weighted) confusion matrix over every sample since the last reset: row = true class, column =
 * predicted class. Targets may be one-hot `[batch, classes]`, class ids `[batch]` / `[batch, 1]`, or
 * 0/1 for a single sigmoid output (thresholded at 0.5); predictions are scores `[batch, classes]`
 * (argmax) or a probability `[batch, 1]`.
 *
 * As a compiled metric it logs the fraction of samples on the diagonal (the accuracy); read the table
 * itself with {@link ConfusionMatrix.matrix}. A target class id outside `[0, numClasses)` (or NaN)
 * belongs to no row: it is left out of the table and counted as a miss in the accuracy.
 *
 * @example
 * const cm = confusionMatrix({ numClasses: 3 });
 * cm.update(labels, model.predict(x) as tf.Tensor);
 * console.log(await cm.matrix().array());
 */
export class ConfusionMatrix extends MetricBase {
  readonly className = 'ConfusionMatrix';
  readonly numClasses: number;
  private readonly table: Accumulators;

  constructor(args: ConfusionMatrixArgs) {
    super(args ?? ({} as ConfusionMatrixArgs), 'confusion_matrix');
    this.numClasses = checkInteger(args?.numClasses, 'confusionMatrix numClasses', 2);
    this.table = new Accumulators({ counts: [this.numClasses, this.numClasses], invalid: [] });
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const c = this.numClasses;
    const increments = tf.tidy(() => {
      const truth = classIds(yTrue, yPred, c, this.name, true);
      const predicted = classIds(yPred, yPred, c, this.name, false);
      const w = (
        sampleWeight ? sampleWeights(sampleWeight, truth.size, this.name) : tf.ones([truth.size])
      ) as tf.Tensor1D;
      // [batch] row-major cell index; c·c (one past the table) for a target that is no class
      const valid = tf.logicalAnd(tf.greaterEqual(truth, 0), tf.less(truth, c));
      const cell = tf.where(
        valid,
        tf.add(tf.mul(truth, tf.scalar(c, 'int32')), predicted),
        tf.fill(truth.shape, c * c, 'int32'),
      ) as tf.Tensor1D;
      const bins = tf.bincount(cell, w, c * c + 1); // [c·c + 1]
      return {
        counts: tf.reshape(tf.slice(bins, 0, c * c), [c, c]),
        invalid: tf.reshape(tf.slice(bins, c * c, 1), []),
      };
    });
    try {
      this.table.add(increments);
    } finally {
      tf.dispose(Object.values(increments));
    }
  }

  /** The matrix `[numClasses, numClasses]` (a new tensor; the caller disposes it). */
  matrix(): tf.Tensor2D {
    return tf.clone(this.table.get('counts')) as tf.Tensor2D;
  }

  /** The fraction of (weighted) samples on the diagonal. */
  result(): tf.Scalar {
    return tf.tidy(() => {
      const counts = this.table.get('counts');
      const diagonal = tf.sum(tf.mul(counts, tf.eye(this.numClasses)));
      return tf.divNoNan(diagonal, tf.add(tf.sum(counts), this.table.get('invalid'))) as tf.Scalar;
    });
  }

  reset(): void {
    this.table.reset();
  }

  dispose(): void {
    this.table.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), numClasses: this.numClasses };
  }
}

/**
 * Class ids `[batch]` (int32) from one-hot/score rows (argmax), from ids, or from a single
 * probability column (> 0.5). `reference` is the prediction tensor, whose shape says which. Ids are
 * not range-checked here (NaN and values far outside the classes become -1); the caller is.
 */
function classIds(
  t: tf.Tensor,
  reference: tf.Tensor,
  classes: number,
  what: string,
  isTarget: boolean,
): tf.Tensor {
  const batch = reference.shape[0];
  const units = reference.rank === 1 ? 1 : reference.shape[reference.rank - 1];
  const columns = t.rank === 2 ? (t.shape[1] as number) : 1;
  if (columns > 1) {
    if (columns !== classes) {
      throw new ShapeError(
        `${what}: got ${t.shape[1]} columns for ${classes} classes; set numClasses to match.`,
      );
    }
    return tf.cast(tf.argMax(t, -1), 'int32');
  }
  if (t.size !== batch) {
    throw new ShapeError(`${what}: expected one class per sample (${batch}), got shape [${t.shape}].`);
  }
  const flat = tf.reshape(toFloat(t), [batch]);
  if (units === 1 && (!isTarget || classes === 2)) return tf.cast(tf.greater(flat, 0.5), 'int32');
  // -1 (no class) for NaN and ids outside the int32 range, which a cast would turn into valid ids
  const rounded = tf.round(flat);
  const representable = tf.logicalAnd(tf.greaterEqual(rounded, -1), tf.lessEqual(rounded, classes));
  return tf.cast(tf.where(representable, rounded, tf.fill([batch], -1)), 'int32');
}

/** A confusion matrix (see {@link ConfusionMatrix}). */
export function confusionMatrix(args: ConfusionMatrixArgs): ConfusionMatrix {
  return new ConfusionMatrix(args);
}

register('metric', 'ConfusionMatrix', (c) => new ConfusionMatrix(c as unknown as ConfusionMatrixArgs));
