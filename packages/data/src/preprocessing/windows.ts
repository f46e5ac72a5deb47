/**
 * Sliding windows over a time series: each sample is `window` consecutive steps, its target the
 * value `horizon` steps after the window (e.g. 60 days of prices predicting the next day's).
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';

/** Options of {@link slidingWindows}. */
export interface WindowOptions {
  /** Steps per input window. */
  window: number;
  /** Steps from the end of the window to the target: 1 = the next step. Default 1. */
  horizon?: number;
  /** Steps between the starts of consecutive windows. Default 1. */
  stride?: number;
  /** Feature columns that make the target. Default `[0]`. */
  targetColumns?: readonly number[];
}

/** Windows and their targets, in time order (never shuffled here). */
export interface Windows {
  /** `[samples, window, features]` float32. */
  xs: tf.Tensor3D;
  /** `[samples, targets]` float32. */
  ys: tf.Tensor2D;
}

/**
 * Cuts a series of shape `[time]` or `[time, features]` into windows: sample `i` is steps
 * `[i*stride, i*stride + window)` and its target is step `i*stride + window - 1 + horizon`.
 *
 * @throws DataError when the series is shorter than one window plus the horizon.
 * @example
 * const { xs, ys } = await slidingWindows(scaledPrices, { window: 60 }); // xs [n, 60, f], ys [n, 1]
 */
export async function slidingWindows(
  series: tf.Tensor | ArrayLike<number> | ReadonlyArray<ArrayLike<number>>,
  options: WindowOptions,
): Promise<Windows> {
  const { values, time, features } = await readSeries(series);
  const window = options.window;
  const horizon = options.horizon ?? 1;
  const stride = options.stride ?? 1;
  const targets = options.targetColumns ?? [0];
  for (const [name, v, min] of [
    ['window', window, 1],
    ['horizon', horizon, 1],
    ['stride', stride, 1],
  ] as const) {
    if (!(Number.isInteger(v) && v >= min))
      throw new ConfigError(`${name} must be an integer >= ${min}, got ${v}.`);
  }
  if (targets.length === 0 || targets.some((c) => !Number.isInteger(c) || c < 0 || c >= features)) {
    throw new ConfigError(
      `targetColumns must be feature indices in [0, ${features}), got [${targets.join(', ')}].`,
    );
  }
  const span = window + horizon;
  if (time < span)
    throw new DataError(
      `The series has ${time} steps, fewer than window + horizon = ${span}; use a shorter window or more data.`,
    );
  const samples = Math.floor((time - span) / stride) + 1;
  const xs = new Float32Array(samples * window * features);
  const ys = new Float32Array(samples * targets.length);
  for (let s = 0; s < samples; s++) {
    const start = s * stride;
    xs.set(values.subarray(start * features, (start + window) * features), s * window * features);
    const at = (start + window - 1 + horizon) * features;
    targets.forEach((c, k) => {
      ys[s * targets.length + k] = values[at + c];
    });
  }
  return { xs: tf.tensor3d(xs, [samples, window, features]), ys: tf.tensor2d(ys, [samples, targets.length]) };
}

async function readSeries(
  series: tf.Tensor | ArrayLike<number> | ReadonlyArray<ArrayLike<number>>,
): Promise<{ values: Float32Array; time: number; features: number }> {
  if (series instanceof tf.Tensor) {
    if (series.rank !== 1 && series.rank !== 2)
      throw new DataError(`A series must be [time] or [time, features], got [${series.shape.join(', ')}].`);
    const values = Float32Array.from(await series.data());
    return {
      values,
      time: series.shape[0] as number,
      features: series.rank === 2 ? (series.shape[1] as number) : 1,
    };
  }
  const rows = series as ArrayLike<number | ArrayLike<number>>;
  if (rows.length > 0 && typeof rows[0] !== 'number') {
    const features = (rows[0] as ArrayLike<number>).length;
    const values = new Float32Array(rows.length * features);
    for (let t = 0; t < rows.length; t++) {
      const row = rows[t] as ArrayLike<number>;
      if (row.length !== features)
        throw new DataError(`Row ${t} of the series has ${row.length} features, row 0 has ${features}.`);
      for (let f = 0; f < features; f++) values[t * features + f] = row[f];
    }
    return { values, time: rows.length, features };
  }
  return { values: Float32Array.from(rows as ArrayLike<number>), time: rows.length, features: 1 };
}
