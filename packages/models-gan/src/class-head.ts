import { tf } from '@tensorfold/core';

/** Keeps `log` finite where a softmax probability underflows to 0. */
const EPSILON = 1e-7;

/**
 * The class head's cross-entropy on labelled samples, averaged over the batch: `-mean_i sum_k y_ik log p_ik`.
 *
 * @param labels One-hot labels `[n, classes]`.
 * @param probs The class head's softmax `[n, classes]`.
 */
export function classLabelLoss(labels: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logP = tf.log(tf.clipByValue(probs, EPSILON, 1)); // [n, classes]
    return tf.neg(tf.mean(tf.sum(tf.mul(labels, logP), 1))) as tf.Scalar;
  });
}

/**
 * CatGAN's (Springenberg 2016) generator class term on a batch of class predictions `[n, classes]`:
 * `mean_i H(p_i) - H(mean_i p_i)`, H the entropy in nats. The first term is low when each sample is clearly
 * one class, the second high when the batch spreads over all classes. The entropy is concave, so the mean
 * prediction's entropy is at least the mean entropy and the term is never above 0; it reaches its lowest,
 * `-log(min(n, classes))`, for confident predictions spread evenly over `min(n, classes)` classes, so it lies
 * in `[-log(min(n, classes)), 0]`. A batch of one sample always gives 0 (no gradient to learn from).
 */
export function classClarityLoss(probs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const entropy = (p: tf.Tensor) => tf.neg(tf.sum(tf.mul(p, tf.log(tf.clipByValue(p, EPSILON, 1))), -1));
    const perSample = tf.mean(entropy(probs)); // mean_i H(p_i)
    const marginal = entropy(tf.mean(probs, 0)); // H(mean_i p_i)
    return tf.sub(perSample, marginal) as tf.Scalar;
  });
}
