import * as tf from '@tensorflow/tfjs-core';

/**
 * A weighted running mean. Values added as scalars stay on the device (two scalars), so updating it
 * never waits for the GPU; values already read to the host ({@link MeanTracker.updateKnown}, a
 * training step's loss, which the step reads anyway to check it is finite) are added in JavaScript
 * (float64, the mean rounded to float32), with no kernel call. Used for the loss and for values
 * returned by custom training steps.
 */
export class MeanTracker {
  /** The device part, and whether a scalar was added to it since the last reset. */
  private total: tf.Scalar = tf.keep(tf.scalar(0));
  private count: tf.Scalar = tf.keep(tf.scalar(0));
  private onDevice = false;
  /** The host part. */
  private knownTotal = 0;
  private knownCount = 0;
  /** How many values {@link MeanTracker.updateKnown} added, and the last of them. */
  private knownValues = 0;
  private lastKnown = 0;

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
    this.onDevice = true;
    this.updated = true;
  }

  /**
   * Adds `value`, a number already read to the host (a training step's loss), with weight `weight`
   * (e.g. the batch size; default 1), in JavaScript: no kernel call and no device read. Values added
   * so are summed in float64; {@link MeanTracker.known} rounds their mean to float32.
   */
  updateKnown(value: number, weight = 1): void {
    this.knownTotal += value * weight;
    this.knownCount += weight;
    this.knownValues++;
    this.lastKnown = value;
    this.updated = true;
  }

  /**
   * The mean so far when every value since the last reset was added by
   * {@link MeanTracker.updateKnown}, rounded to float32 (the value itself when one was added, so a
   * single batch's loss is the float32 loss exactly; 0 before any update); `null` when a scalar was
   * added by {@link MeanTracker.update} (the mean is then on the device: {@link MeanTracker.result}).
   */
  known(): number | null {
    if (this.onDevice) return null;
    if (this.knownCount === 0) return 0;
    return Math.fround(this.knownValues === 1 ? this.lastKnown : this.knownTotal / this.knownCount);
  }

  /** The mean so far (a new scalar; 0 before any update). */
  result(): tf.Scalar {
    const known = this.known();
    if (known != null) return tf.scalar(known);
    return tf.tidy(
      () =>
        tf.divNoNan(tf.add(this.total, this.knownTotal), tf.add(this.count, this.knownCount)) as tf.Scalar,
    );
  }

  reset(): void {
    if (this.onDevice) {
      // (untouched since the last reset, the two are still zeros: kept, not made again)
      this.total.dispose();
      this.count.dispose();
      this.total = tf.keep(tf.scalar(0));
      this.count = tf.keep(tf.scalar(0));
    }
    this.onDevice = false;
    this.knownTotal = 0;
    this.knownCount = 0;
    this.knownValues = 0;
    this.lastKnown = 0;
    this.updated = false;
  }

  dispose(): void {
    this.total.dispose();
    this.count.dispose();
  }
}
