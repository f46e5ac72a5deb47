/**
 * Min-max scaling of a series to [0, 1], fitted on the training steps only, with its inverse so that
 * errors are reported in the series' own unit.
 */
import { ConfigError, DataError } from '@tensorfold/core';

/** A fitted min-max scaling. */
export interface MinMaxScaling {
  /** Smallest value seen when fitting. */
  readonly min: number;
  /** Largest value seen when fitting. */
  readonly max: number;
  /** `(x - min) / (max - min)`, elementwise. */
  transform(values: ArrayLike<number>): Float32Array;
  /** `x * (max - min) + min`, elementwise: back to the series' unit. */
  inverse(values: ArrayLike<number>): Float32Array;
  /** An error measured on scaled values (MAE, RMSE) in the series' unit: `e * (max - min)`. */
  inverseScale(error: number): number;
}

/**
 * Fits a min-max scaling on `values` (give the training steps only, so the test steps leak nothing).
 *
 * @throws DataError when `values` is empty or holds a non-finite number; ConfigError when all values are
 * equal (nothing to scale).
 * @example
 * const scaling = minMaxScaling(train); // train: number[]
 * const scaled = scaling.transform(all);
 */
export function minMaxScaling(values: ArrayLike<number>): MinMaxScaling {
  if (values.length === 0) throw new DataError('minMaxScaling needs at least one value to fit.');
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new DataError(`minMaxScaling: value ${i} is ${v}; fill the gap first.`);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const range = max - min;
  if (range === 0) throw new ConfigError(`minMaxScaling: every value is ${min}; there is nothing to scale.`);
  return {
    min,
    max,
    transform: (xs) => Float32Array.from(xs, (x) => (x - min) / range),
    inverse: (xs) => Float32Array.from(xs, (x) => x * range + min),
    inverseScale: (e) => e * range,
  };
}
