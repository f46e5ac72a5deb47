/**
 * Missing values. Networks cannot take NaN, so (as Chollet advises) missing entries become 0, and the
 * network learns that 0 means "missing"; an indicator column per feature can say so explicitly.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tensorfold/core';

/** Options of {@link fillMissing}. */
export interface FillMissingOptions {
  /** The value that replaces NaN. Default 0. */
  value?: number;
  /**
   * Append one indicator per feature (1 where the value was missing, 0 elsewhere) along the last
   * axis, so `[n, f]` becomes `[n, 2f]`. Default `false`.
   */
  indicator?: boolean;
}

/**
 * Replaces missing values (NaN, as the CSV and JSON loaders produce them) with `value`, optionally
 * appending indicator features. Returns a new tensor.
 *
 * @throws ShapeError when `indicator` is asked for a scalar (it has no feature axis).
 * @example
 * fillMissing(tf.tensor2d([[1, NaN]]), { indicator: true }); // [[1, 0, 0, 1]]
 */
export function fillMissing(x: tf.Tensor, options: FillMissingOptions = {}): tf.Tensor {
  const value = options.value ?? 0;
  if (!Number.isFinite(value)) throw new ConfigError(`fillMissing needs a finite value, got ${value}.`);
  if (options.indicator && x.rank === 0)
    throw new ShapeError(
      'fillMissing with indicator needs a feature axis to append the indicators to; reshape the scalar to [1].',
    );
  return tf.tidy(() => {
    const input = tf.cast(x, 'float32');
    const missing = tf.isNaN(input);
    const filled = tf.where(missing, tf.fill(input.shape, value), input);
    return options.indicator ? tf.concat([filled, tf.cast(missing, 'float32')], input.rank - 1) : filled;
  });
}
