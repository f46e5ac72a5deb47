/**
 * The naive forecasts a recurrent model must beat (seed 002, temperature forecasting: "tomorrow = today"),
 * computed from the same windows the model sees, so a report puts them side by side.
 */
import { ConfigError, ShapeError, tf } from '@tensorfold/core';

/** Options of {@link naiveForecast}. */
export interface NaiveForecastOptions {
  /**
   * - `'last'` (default): the persistence forecast, the window's last value of the target column.
   * - `'seasonal'`: the value one season before the target (e.g. 7 steps before for a weekly cycle).
   */
  method?: 'last' | 'seasonal';
  /** Feature column of the target. Default 0. */
  targetColumn?: number;
  /** Steps between the window's last step and the target, as given to `windows`. Default 1. */
  horizon?: number;
  /** Season length in steps, for `'seasonal'`; it must be >= horizon and <= window - 1 + horizon. */
  period?: number;
}

/**
 * The naive forecast of every window: `[samples, window, features]` -> `[samples, 1]`.
 *
 * @throws ShapeError when `xs` is not rank 3; ConfigError when the column or the period does not fit.
 * @example
 * const persistence = naiveForecast(xs); // tomorrow = today
 * const weekly = naiveForecast(xs, { method: 'seasonal', period: 7 });
 */
export function naiveForecast(xs: tf.Tensor3D, options: NaiveForecastOptions = {}): tf.Tensor2D {
  if (xs.rank !== 3)
    throw new ShapeError(`naiveForecast wants windows [samples, steps, features], got [${xs.shape}].`);
  const [, steps, features] = xs.shape;
  const column = options.targetColumn ?? 0;
  const horizon = options.horizon ?? 1;
  if (!Number.isInteger(column) || column < 0 || column >= features)
    throw new ConfigError(`targetColumn must be in [0, ${features}), got ${column}.`);
  const method = options.method ?? 'last';
  let step: number;
  if (method === 'last') step = steps - 1;
  else if (method === 'seasonal') {
    const period = options.period;
    if (period === undefined || !Number.isInteger(period) || period < horizon || period > steps - 1 + horizon)
      throw new ConfigError(
        `A seasonal forecast needs an integer period between the horizon (${horizon}) and window - 1 + horizon (${steps - 1 + horizon}), got ${period}.`,
      );
    // The target is step (steps - 1 + horizon); one season earlier is inside the window.
    step = steps - 1 + horizon - period;
  } else throw new ConfigError(`Unknown naive forecast '${method}'; use 'last' or 'seasonal'.`);
  // [samples, 1, 1] -> [samples, 1]
  return tf.tidy(() => tf.reshape(tf.slice(xs, [0, step, column], [-1, 1, 1]), [-1, 1]));
}

/** Mean absolute and root mean squared error of a forecast, as plain numbers. */
export interface ForecastErrors {
  /** Mean absolute error, in the unit of the values compared. */
  mae: number;
  /** Root mean squared error, in the unit of the values compared. */
  rmse: number;
}

/**
 * MAE and RMSE of `predicted` against `actual` (both `[samples, 1]`).
 *
 * @throws ShapeError when the shapes differ.
 */
export async function forecastErrors(predicted: tf.Tensor, actual: tf.Tensor): Promise<ForecastErrors> {
  if (predicted.shape.join() !== actual.shape.join())
    throw new ShapeError(`Predictions [${predicted.shape}] and targets [${actual.shape}] differ in shape.`);
  const [p, a] = await Promise.all([predicted.data(), actual.data()]);
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    const d = (p[i] as number) - (a[i] as number);
    abs += Math.abs(d);
    sq += d * d;
  }
  const n = Math.max(1, p.length);
  return { mae: abs / n, rmse: Math.sqrt(sq / n) };
}
