/** Gradient clipping as Keras does it: by value, by each gradient's norm, or by the global norm. */
import { tf } from '@tensorfold/core';

/** Clips every element into `[-limit, limit]`. */
export function clipByValue(gradients: tf.Tensor[], limit: number): tf.Tensor[] {
  return gradients.map((g) => tf.clipByValue(g, -limit, limit));
}

/** Rescales each gradient whose L2 norm exceeds `maxNorm` to norm `maxNorm`. */
export function clipByNorm(gradients: tf.Tensor[], maxNorm: number): tf.Tensor[] {
  const limit = tf.scalar(maxNorm);
  return gradients.map((g) => {
    const norm = tf.sqrt(tf.sum(tf.square(g)));
    // g * maxNorm / max(norm, maxNorm): unchanged when norm <= maxNorm.
    return tf.mul(g, tf.div(limit, tf.maximum(norm, limit)));
  });
}

/**
 * Rescales all gradients together when their global norm, `sqrt(sum of squares of every element)`,
 * exceeds `maxNorm`, which keeps their relative sizes (`tf.clip_by_global_norm`).
 */
export function clipByGlobalNorm(gradients: tf.Tensor[], maxNorm: number): tf.Tensor[] {
  const limit = tf.scalar(maxNorm);
  const squares = gradients.map((g) => tf.sum(tf.square(g)));
  const norm = tf.sqrt(squares.length === 1 ? squares[0] : tf.addN(squares));
  const scale = tf.div(limit, tf.maximum(norm, limit));
  return gradients.map((g) => tf.mul(g, scale));
}
