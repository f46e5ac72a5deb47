import { register, ShapeError, tf } from '@tensorfold/core';
import { checkNumber, checkOneOf } from '../checks.js';
import { EPSILON, matchShape, toFloat } from '../losses/loss.js';
import { type MetricArgs, MetricBase, sampleWeights } from './metric.js';
import { Accumulators } from './state.js';

/** Options of {@link f1Score}. */
export interface F1ScoreArgs extends MetricArgs {
  /**
   * How per-class scores combine: `'macro'` (their mean), `'weighted'` (weighted by each class's
   * support), or `'micro'` (one score from the summed counts). Default `'macro'`.
   */
  average?: 'micro' | 'macro' | 'weighted';
  /**
   * Predictions above this count as positive. Default: 0.5 for a single output unit; for several
   * classes, the highest-scoring class of each sample.
   */
  threshold?: number | null;
}

/**
 * F1 score, the harmonic mean of precision and recall, `2 P R / (P + R)`, per class and averaged
 * as `average` says (Keras's `F1Score`, which returns per-class scores by default; a logged metric
 * needs one number, so the default here is the macro average). Targets are one-hot or multi-hot
 * `[batch, classes]` (or `[batch, steps, classes]` for sequences, each step weighted by its sample's
 * weight), or 0/1 `[batch]` / `[batch, 1]` for a binary output.
 */
export class F1Score extends MetricBase {
  readonly className = 'F1Score';
  readonly average: 'micro' | 'macro' | 'weighted';
  readonly threshold: number | null;
  private counts: Accumulators | null = null;

  constructor(args: F1ScoreArgs = {}) {
    super(args, 'f1_score');
    this.average = checkOneOf(args.average ?? 'macro', 'f1Score average', [
      'micro',
      'macro',
      'weighted',
    ] as const);
    this.threshold = args.threshold == null ? null : checkNumber(args.threshold, 'f1Score threshold');
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const classes = yPred.rank === 1 ? 1 : yPred.shape[yPred.rank - 1];
    const seen = this.counts?.get('tp').shape[0];
    if (seen !== undefined && seen !== classes) {
      throw new ShapeError(
        `${this.name}: predictions with ${classes} classes after earlier batches with ${seen} classes; call reset() before scoring a different model output.`,
      );
    }
    const increments = tf.tidy(() => {
      let y = toFloat(matchShape(toFloat(yTrue), yPred, this.name));
      let p = toFloat(yPred);
      if (p.rank === 1) {
        y = tf.expandDims(y, -1);
        p = tf.expandDims(p, -1);
      }
      const batch = p.shape[0];
      const steps = p.size === 0 ? 1 : p.size / (batch * classes); // 1, or the time steps of a sequence
      y = tf.reshape(y, [-1, classes]); // [batch · steps, classes]
      p = tf.reshape(p, [-1, classes]);
      const threshold = this.threshold ?? (classes === 1 ? 0.5 : null);
      const positive =
        threshold === null
          ? tf.cast(tf.equal(p, tf.max(p, -1, true)), 'float32')
          : tf.cast(tf.greater(p, threshold), 'float32');
      // [batch · steps, 1]: each step of a sample carries the sample's weight
      const w = sampleWeight
        ? tf.reshape(
            tf.tile(tf.reshape(sampleWeights(sampleWeight, batch, this.name), [batch, 1]), [1, steps]),
            [-1, 1],
          )
        : tf.onesLike(tf.slice(p, [0, 0], [-1, 1]));
      const wt = tf.mul(y, w);
      return {
        tp: tf.sum(tf.mul(wt, positive), 0),
        fp: tf.sum(tf.mul(tf.mul(tf.sub(1, y), w), positive), 0),
        fn: tf.sum(tf.mul(wt, tf.sub(1, positive)), 0),
        support: tf.sum(wt, 0),
      };
    });
    if (this.counts === null)
      this.counts = new Accumulators({ tp: [classes], fp: [classes], fn: [classes], support: [classes] });
    try {
      this.counts.add(increments);
    } finally {
      tf.dispose(Object.values(increments));
    }
  }

  result(): tf.Scalar {
    const counts = this.counts;
    if (counts === null) return tf.scalar(0);
    return tf.tidy(() => {
      let [tp, fp, fn] = ['tp', 'fp', 'fn'].map((k) => counts.get(k));
      if (this.average === 'micro') [tp, fp, fn] = [tf.sum(tp), tf.sum(fp), tf.sum(fn)];
      const precision = tf.divNoNan(tp, tf.add(tp, fp));
      const recall = tf.divNoNan(tp, tf.add(tp, fn));
      const f1 = tf.div(tf.mul(tf.mul(precision, recall), 2), tf.add(tf.add(precision, recall), EPSILON));
      if (this.average === 'micro') return f1 as tf.Scalar;
      if (this.average === 'macro') return tf.mean(f1) as tf.Scalar;
      const support = counts.get('support');
      return tf.divNoNan(tf.sum(tf.mul(f1, support)), tf.sum(support)) as tf.Scalar;
    });
  }

  reset(): void {
    this.counts?.dispose();
    this.counts = null;
  }

  dispose(): void {
    this.reset();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), average: this.average, threshold: this.threshold };
  }
}

/** F1 score (see {@link F1Score}). */
export function f1Score(args: F1ScoreArgs = {}): F1Score {
  return new F1Score(args);
}

register('metric', 'F1Score', (c) => new F1Score(c as F1ScoreArgs), ['f1']);
