import { register, tf } from '@tensorfold/core';
import { checkInteger, checkOneOf } from '../checks.js';
import { matchShape, toFloat } from '../losses/loss.js';
import { type MetricArgs, MetricBase, sampleWeights } from './metric.js';
import { Accumulators } from './state.js';

/** Options of {@link auc}. */
export interface AUCArgs extends MetricArgs {
  /** Thresholds at which the curve is sampled (evenly spaced over [0, 1]), > 1. Default 200. */
  numThresholds?: number;
  /** `'ROC'` (true- against false-positive rate) or `'PR'` (precision against recall). Default `'ROC'`. */
  curve?: 'ROC' | 'PR';
  /**
   * How the area between sampled points is summed: `'interpolation'` (trapezoids for ROC; Davis &
   * Goadrich's interpolation for PR), `'minoring'` (lower heights) or `'majoring'` (upper). Default
   * `'interpolation'`.
   */
  summationMethod?: 'interpolation' | 'minoring' | 'majoring';
  /** Predictions are logits: a sigmoid is applied first. Default `false`. */
  fromLogits?: boolean;
}

/**
 * Area under the ROC or precision-recall curve, as Keras approximates it: counts of true/false
 * positives/negatives are accumulated at `numThresholds` evenly spaced thresholds over the whole
 * epoch, and the area is summed from them. Every element of the targets (0/1) and predictions
 * (probabilities) counts as one binary decision. Each batch costs O(elements + thresholds): the
 * predictions are bucketed by threshold and the buckets summed from the top.
 */
export class AUC extends MetricBase {
  readonly className = 'AUC';
  readonly numThresholds: number;
  readonly curve: 'ROC' | 'PR';
  readonly summationMethod: 'interpolation' | 'minoring' | 'majoring';
  readonly fromLogits: boolean;
  private readonly counts: Accumulators;

  constructor(args: AUCArgs = {}) {
    super(args, 'auc');
    this.numThresholds = checkInteger(args.numThresholds ?? 200, 'auc numThresholds', 2);
    this.curve = checkOneOf(args.curve ?? 'ROC', 'auc curve', ['ROC', 'PR'] as const);
    this.summationMethod = checkOneOf(args.summationMethod ?? 'interpolation', 'auc summationMethod', [
      'interpolation',
      'minoring',
      'majoring',
    ] as const);
    this.fromLogits = args.fromLogits ?? false;
    const n = [this.numThresholds];
    this.counts = new Accumulators({ tp: n, fp: n, tn: n, fn: n });
  }

  /** The thresholds: `-1e-7, 1/(n-1), ..., (n-2)/(n-1), 1 + 1e-7`, so 0 and 1 fall inside the ends. */
  get thresholds(): number[] {
    const n = this.numThresholds;
    return Array.from({ length: n }, (_, i) => (i === 0 ? -1e-7 : i === n - 1 ? 1 + 1e-7 : i / (n - 1)));
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const n = this.numThresholds;
    const increments = tf.tidy(() => {
      const y = tf.reshape(
        tf.cast(tf.greater(matchShape(toFloat(yTrue), yPred, this.name), 0.5), 'float32'),
        [-1],
      );
      const probabilities = this.fromLogits ? tf.sigmoid(toFloat(yPred)) : toFloat(yPred);
      const p = tf.clipByValue(tf.reshape(probabilities, [-1]), 0, 1); // [elements]
      let w = tf.onesLike(p);
      if (sampleWeight) {
        const batch = yPred.shape[0];
        const perSample = sampleWeights(sampleWeight, batch, this.name);
        w = tf.reshape(tf.mul(tf.reshape(perSample, [batch, 1]), tf.ones([batch, p.size / batch])), [-1]);
      }
      const bucket = thresholdBuckets(p, n);
      const positives = tf.mul(w, y) as tf.Tensor1D;
      const negatives = tf.sub(w, positives) as tf.Tensor1D;
      // Sum the buckets from the top: counts above each threshold. [thresholds]
      const tp = tf.cumsum(tf.bincount(bucket, positives, n), 0, false, true);
      const fp = tf.cumsum(tf.bincount(bucket, negatives, n), 0, false, true);
      return { tp, fp, tn: tf.sub(tf.sum(negatives), fp), fn: tf.sub(tf.sum(positives), tp) };
    });
    try {
      this.counts.add(increments);
    } finally {
      tf.dispose(Object.values(increments));
    }
  }

  result(): tf.Scalar {
    return tf.tidy(() => {
      const [tp, fp, tn, fn] = ['tp', 'fp', 'tn', 'fn'].map((k) => this.counts.get(k));
      if (this.curve === 'PR' && this.summationMethod === 'interpolation')
        return interpolatedPrAuc(tp, fp, fn);
      const recall = tf.divNoNan(tp, tf.add(tp, fn));
      const [x, y] =
        this.curve === 'ROC'
          ? [tf.divNoNan(fp, tf.add(fp, tn)), recall]
          : [recall, tf.divNoNan(tp, tf.add(tp, fp))];
      const n = this.numThresholds;
      const [head, tail] = [(t: tf.Tensor) => tf.slice(t, 0, n - 1), (t: tf.Tensor) => tf.slice(t, 1, n - 1)];
      const heights =
        this.summationMethod === 'interpolation'
          ? tf.div(tf.add(head(y), tail(y)), 2)
          : this.summationMethod === 'minoring'
            ? tf.minimum(head(y), tail(y))
            : tf.maximum(head(y), tail(y));
      return tf.sum(tf.mul(tf.sub(head(x), tail(x)), heights)) as tf.Scalar;
    });
  }

  reset(): void {
    this.counts.reset();
  }

  dispose(): void {
    this.counts.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numThresholds: this.numThresholds,
      curve: this.curve,
      summationMethod: this.summationMethod,
      fromLogits: this.fromLogits,
    };
  }
}

/**
 * Area under the precision-recall curve with Davis & Goadrich's interpolation between thresholds
 * (precision varies non-linearly with recall, so straight trapezoids overestimate it).
 */
function interpolatedPrAuc(tp: tf.Tensor, fp: tf.Tensor, fn: tf.Tensor): tf.Scalar {
  const n = tp.shape[0];
  const head = (t: tf.Tensor) => tf.slice(t, 0, n - 1);
  const tail = (t: tf.Tensor) => tf.slice(t, 1, n - 1);
  const dtp = tf.sub(head(tp), tail(tp));
  const p = tf.add(tp, fp);
  const dp = tf.sub(head(p), tail(p));
  const slope = tf.divNoNan(dtp, tf.maximum(dp, 0));
  const intercept = tf.sub(tail(tp), tf.mul(slope, tail(p)));
  const bothPositive = tf.logicalAnd(tf.greater(head(p), 0), tf.greater(tail(p), 0));
  const ratio = tf.where(bothPositive, tf.divNoNan(head(p), tf.maximum(tail(p), 0)), tf.onesLike(tail(p)));
  const increment = tf.divNoNan(
    tf.mul(slope, tf.add(dtp, tf.mul(intercept, tf.log(ratio)))),
    tf.maximum(tf.add(tail(tp), tail(fn)), 0),
  );
  return tf.sum(increment) as tf.Scalar;
}

/** Area under the ROC or PR curve (see {@link AUC}). */
export function auc(args: AUCArgs = {}): AUC {
  return new AUC(args);
}

register('metric', 'AUC', (c) => new AUC(c as AUCArgs));

/**
 * The bucket of each prediction: bucket b holds predictions above thresholds 0..b and not above
 * b + 1, for the thresholds of {@link AUC.thresholds} (`t_i = i / (n - 1)` inside, compared in float32 as
 * Keras does). `floor(p * (n - 1))` finds it up to the rounding of that float32 product (for 17 of the
 * 200 default thresholds, `t_i * 199` rounds above `i`), so it is corrected by comparing `p` with the
 * thresholds on either side. `p` is `[elements]` in [0, 1]; the result is int32 in [0, n - 2].
 */
function thresholdBuckets(p: tf.Tensor, n: number): tf.Tensor1D {
  const threshold = (i: tf.Tensor) => tf.div(i, n - 1); // float32, as Keras's thresholds
  const guess = tf.floor(tf.mul(p, n - 1)); // interior thresholds 1..guess are at most p, up to rounding
  const notAboveGuess = tf.logicalAnd(tf.greaterEqual(guess, 1), tf.greaterEqual(threshold(guess), p));
  const aboveNext = tf.less(threshold(tf.add(guess, 1)), p);
  const bucket = tf.add(tf.sub(guess, tf.cast(notAboveGuess, 'float32')), tf.cast(aboveNext, 'float32'));
  return tf.cast(tf.clipByValue(bucket, 0, n - 2), 'int32') as tf.Tensor1D;
}
