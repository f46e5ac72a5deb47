import * as tf from '@tensorflow/tfjs-core';

/**
 * A weighted running mean kept on the device (two scalars), so updating it never waits for the GPU.
 * Used for the loss and for values returned by custom training steps.
 */
export class MeanTracker {
  private total: tf.Scalar = tf.keep(tf.scalar(0));
  private count: tf.Scalar = tf.keep(tf.scalar(0));

  /** Whether any value was added since the last reset. */
  updated = false;

  constructor(readonly name: string) {}

  /** Adds `value` (a scalar) with weight `weight` (a number or scalar, e.g. the batch size). */
  update(value: tf.Scalar, weight: number | tf.Scalar = 1): void {
    const [total, count] = tf.tidy(() => {
      const w = typeof weight === 'number' ? tf.scalar(weight) : weight;
      return [
        tf.keep(tf.add(this.total, tf.mul(value, w)) as tf.Scalar),
        tf.keep(tf.add(this.count, w) as tf.Scalar),
      ];
    });
    this.total.dispose();
    this.count.dispose();
    this.total = total;
    this.count = count;
    this.updated = true;
  }

  /** The mean so far (a new scalar; 0 before any update). */
  result(): tf.Scalar {
    return tf.tidy(() => tf.divNoNan(this.total, this.count) as tf.Scalar);
  }

  reset(): void {
    this.total.dispose();
    this.count.dispose();
    this.total = tf.keep(tf.scalar(0));
    this.count = tf.keep(tf.scalar(0));
    this.updated = false;
  }

  dispose(): void {
    this.total.dispose();
    this.count.dispose();
  }
}
