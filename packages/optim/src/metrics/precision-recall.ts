import { register, tf } from '@tensorfold/core';
import { checkInteger, checkNumber } from '../checks.js';
import { type MetricArgs, MetricBase } from './metric.js';
import { Accumulators } from './state.js';
import { type DecisionArgs, decisions } from './thresholds.js';

/** Options of {@link precision} and {@link recall}. */
export interface PrecisionRecallArgs extends MetricArgs, DecisionArgs {}

function decisionOptions(args: PrecisionRecallArgs, what: string): Required<DecisionArgs> {
  return {
    threshold: checkNumber(args.threshold ?? 0.5, `${what} threshold`),
    topK: args.topK == null ? null : checkInteger(args.topK, `${what} topK`, 1),
    classId: args.classId == null ? null : checkInteger(args.classId, `${what} classId`),
  };
}

/** Shared state: weighted true positives, false positives and false negatives over every element. */
abstract class ConfusionCounts extends MetricBase {
  protected readonly decision: Required<DecisionArgs>;
  protected readonly counts = new Accumulators({ tp: [], fp: [], fn: [] });

  protected constructor(args: PrecisionRecallArgs, defaultName: string) {
    super(args, defaultName);
    this.decision = decisionOptions(args, defaultName);
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const increments = tf.tidy(() => {
      const { truth, positive, weight } = decisions(yTrue, yPred, this.decision, sampleWeight, this.name);
      const wt = tf.mul(weight, truth); // [batch, units]
      return {
        tp: tf.sum(tf.mul(wt, positive)),
        fp: tf.sum(tf.mul(tf.sub(weight, wt), positive)),
        fn: tf.sum(tf.mul(wt, tf.sub(1, positive))),
      };
    });
    this.counts.add(increments);
    tf.dispose(Object.values(increments));
  }

  reset(): void {
    this.counts.reset();
  }

  dispose(): void {
    this.counts.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.decision };
  }
}

/**
 * Precision `TP / (TP + FP)`: of the predictions called positive (above `threshold`), the fraction
 * that are. Counts every unit of multi-label outputs; `classId` scores one class, `topK` only the k
 * highest predictions of each sample. 0 when nothing was called positive.
 */
export class Precision extends ConfusionCounts {
  readonly className = 'Precision';
  constructor(args: PrecisionRecallArgs = {}) {
    super(args, 'precision');
  }
  result(): tf.Scalar {
    return tf.tidy(
      () =>
        tf.divNoNan(this.counts.get('tp'), tf.add(this.counts.get('tp'), this.counts.get('fp'))) as tf.Scalar,
    );
  }
}

/**
 * Recall `TP / (TP + FN)`: of the actual positives, the fraction predicted positive. Options as
 * {@link Precision}. 0 when there were no positives.
 */
export class Recall extends ConfusionCounts {
  readonly className = 'Recall';
  constructor(args: PrecisionRecallArgs = {}) {
    super(args, 'recall');
  }
  result(): tf.Scalar {
    return tf.tidy(
      () =>
        tf.divNoNan(this.counts.get('tp'), tf.add(this.counts.get('tp'), this.counts.get('fn'))) as tf.Scalar,
    );
  }
}

/** Precision (see {@link Precision}). */
export function precision(args: PrecisionRecallArgs = {}): Precision {
  return new Precision(args);
}
/** Recall (see {@link Recall}). */
export function recall(args: PrecisionRecallArgs = {}): Recall {
  return new Recall(args);
}

register('metric', 'Precision', (c) => new Precision(c as PrecisionRecallArgs));
register('metric', 'Recall', (c) => new Recall(c as PrecisionRecallArgs));
