import { ConfigError, tf } from '@tensorfold/core';
import { matchShape, toFloat } from '../losses/loss.js';
import { sampleWeights } from './metric.js';

/** How predictions become yes/no decisions for precision and recall. */
export interface DecisionArgs {
  /** A prediction above this counts as positive. Default 0.5. */
  threshold?: number;
  /**
   * Only the `topK` highest predictions of each sample can count as positive (exactly `topK`: of tied
   * scores, the first classes). Default: all.
   */
  topK?: number | null;
  /** Only this class (column) is scored. Default: every class/unit. */
  classId?: number | null;
}

/**
 * Targets (0/1), positive decisions (0/1) and weights, each `[batch, units]` (or `[batch, ..., units]`
 * for sequences, where every step of a sample carries its sample weight), from targets and
 * predictions of the same shape (or `[batch]` against `[batch, 1]`).
 */
export function decisions(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  args: Required<DecisionArgs>,
  sampleWeight: tf.Tensor | undefined,
  what: string,
): { truth: tf.Tensor; positive: tf.Tensor; weight: tf.Tensor } {
  let y = tf.cast(tf.greater(matchShape(toFloat(yTrue), yPred, what), 0.5), 'float32');
  let p = toFloat(yPred);
  if (p.rank === 1) {
    y = tf.expandDims(y, -1);
    p = tf.expandDims(p, -1);
  }
  const units = p.shape[p.rank - 1];
  if (args.topK !== null) {
    // exactly k per sample, ties going to the first (Keras's top_k mask), not every score >= the k-th
    const k = Math.min(args.topK, units);
    const top = tf.topk(p, k).indices; // [batch, k]
    // float32: with int32 the WebGPU backend (tfjs 4.22) fails to compile a shader here and reads 0s
    const inTop = tf.greater(tf.sum(tf.oneHot(top, units, 1, 0, 'float32'), -2), 0); // [batch, units]
    p = tf.where(inTop, p, tf.fill(p.shape, Number.NEGATIVE_INFINITY));
  }
  if (args.classId !== null) {
    if (args.classId < 0 || args.classId >= units) {
      throw new ConfigError(
        `${what}: classId ${args.classId} is out of range for predictions with ${units} classes.`,
      );
    }
    const last = p.rank - 1;
    const begin = p.shape.map((_, axis) => (axis === last ? (args.classId as number) : 0));
    const size = p.shape.map((_, axis) => (axis === last ? 1 : -1));
    y = tf.slice(y, begin, size); // [batch, ..., 1]
    p = tf.slice(p, begin, size);
  }
  const positive = tf.cast(tf.greater(p, args.threshold), 'float32');
  const batch = p.shape[0];
  // [batch, 1, ..., 1]: one weight per sample, the same for each of its steps and units
  const perSample = [batch, ...p.shape.slice(1).map(() => 1)];
  const weight = sampleWeight
    ? tf.mul(tf.reshape(sampleWeights(sampleWeight, batch, what), perSample), tf.onesLike(positive))
    : tf.onesLike(positive);
  return { truth: y, positive, weight };
}
