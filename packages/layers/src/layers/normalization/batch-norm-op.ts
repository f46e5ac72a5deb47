/**
 * Batch normalization in training mode as one op with a hand-written gradient. Autodiff through
 * `moments` and `batchNorm` builds about a dozen backward ops; the closed form needs five:
 *
 *   x̂ = (x − μ) / σ,   dβ = Σ dy,   dγ = Σ dy·x̂,   dx = γ/σ · (dy − dβ/N − x̂·dγ/N)
 *
 * with sums over every axis but the features axis and N the number of values per feature.
 */
import { tf } from '@tensorfold/core';

/** Result of {@link batchNormTraining}: the output and the batch statistics (for the moving averages). */
export interface BatchNormResult {
  /** The normalized, scaled and shifted input. */
  output: tf.Tensor;
  /** Batch mean per feature `[features]` (the caller disposes it). */
  mean: tf.Tensor;
  /** Batch variance per feature `[features]`, biased (as Keras and TensorFlow.js update the moving variance). */
  variance: tf.Tensor;
}

/**
 * `(x − mean) / √(variance + ε) · gamma + beta`, with per-feature parameters broadcast along
 * `axis`. tfjs's fused `batchNorm` kernel is used when the features axis is last (its only
 * correctly broadcast case); other axes use plain broadcasting ops.
 */
export function normalize(
  x: tf.Tensor,
  axis: number,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
): tf.Tensor {
  // tfjs's fused batchNorm cannot record a gradient without its scale or offset (it saves the missing
  // tensor for the backward pass), so it runs only with both; otherwise the ops below, which can.
  if (axis === x.rank - 1 && gamma && beta) return tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
  return tf.tidy(() => {
    const shape = x.shape.map((d, i) => (i === axis ? d : 1));
    const b = (t: tf.Tensor) => tf.reshape(t, shape);
    let scale = tf.rsqrt(tf.add(variance, epsilon));
    if (gamma) scale = tf.mul(scale, gamma);
    const y = tf.mul(tf.sub(x, b(mean)), b(scale));
    return beta ? tf.add(y, b(beta)) : y;
  });
}

/**
 * Normalizes `x` with the batch's statistics over every axis but `axis`, scales by `gamma` and
 * shifts by `beta` (`[features]` each, either may be null).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  axis: number,
  epsilon: number,
): BatchNormResult {
  const axes = x.shape.map((_, i) => i).filter((i) => i !== axis);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  const broadcast = x.shape.map((d, i) => (i === axis ? d : 1));
  const last = axis === x.rank - 1;
  const b = (t: tf.Tensor) => (last ? t : tf.reshape(t, broadcast));
  let stats: { mean: tf.Tensor; variance: tf.Tensor } | null = null;
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xIn = args[0] as tf.Tensor;
    const g = gamma ? (args[1] as tf.Tensor) : null;
    const bt = beta ? (args[gamma ? 2 : 1] as tf.Tensor) : null;
    const { mean, variance } = tf.moments(xIn, axes); // [features] each
    const output = normalize(xIn, axis, mean, variance, g, bt, epsilon);
    // The statistics leave the op for the moving averages (no gradient flows through them).
    stats = { mean: tf.keep(mean), variance: tf.keep(variance) };
    save([xIn, mean, variance, ...(g ? [g] : [])]);
    return {
      value: output,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, v, gs] = saved;
        const invStd = tf.rsqrt(tf.add(v, epsilon)); // [features]
        const xHat = tf.mul(tf.sub(xs, b(mu)), b(invStd));
        const dBeta = tf.sum(dy, axes); // [features]
        const dGamma = tf.sum(tf.mul(dy, xHat), axes); // [features]
        const scale = gs ? tf.mul(gs, invStd) : invStd;
        const centred = tf.sub(tf.sub(dy, b(tf.div(dBeta, count))), tf.mul(xHat, b(tf.div(dGamma, count))));
        const dx = tf.mul(b(scale), centred);
        return [dx, ...(gamma ? [dGamma] : []), ...(beta ? [dBeta] : [])];
      },
    };
  });
  const output = op(...inputs);
  const { mean, variance } = stats as unknown as { mean: tf.Tensor; variance: tf.Tensor };
  return { output, mean, variance };
}
