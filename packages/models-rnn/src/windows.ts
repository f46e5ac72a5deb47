/**
 * Windows of a time series for the recurrent forecasters: checks the series (gaps, NaN, length) and
 * cuts it into `[samples, window, features]` inputs and `[samples, 1]` targets.
 */
import { DataError, type tf } from '@tensorfold/core';
import { slidingWindows } from '@tensorfold/data';

/** Options of {@link windows}. */
export interface SeriesWindowOptions {
  /** Steps per input window (seed 003's stock example uses 60). */
  window: number;
  /** Steps from the last step of the window to the target: 1 = the next step. Default 1. */
  horizon?: number;
  /** Feature column of the target. Default 0. */
  targetColumn?: number;
  /**
   * Dates of the steps (`YYYY-MM-DD`), to check that the series has no missing day. Default: not
   * checked. Give them only for daily series.
   */
  dates?: readonly string[];
}

/** Windows in time order. */
export interface SeriesWindows {
  /** `[samples, window, features]` float32. */
  xs: tf.Tensor3D;
  /** `[samples, 1]` float32: the target column `horizon` steps after each window. */
  ys: tf.Tensor2D;
  /** Frees `xs` and `ys`. */
  dispose(): void;
}

/** A series as plain numbers: `[time]` or `[time][features]`. */
export type Series = ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

/**
 * Cuts a series into windows: sample `i` is steps `[i, i + window)`, its target the target column at step
 * `i + window - 1 + horizon`.
 *
 * @throws DataError when the window (plus horizon) is longer than the series, when a value is NaN,
 * infinite or missing (the message gives the step and column), or when `dates` skips a day.
 * @example
 * const { xs, ys } = await windows(temperatures, { window: 60 }); // xs [n, 60, 1], ys [n, 1]
 */
export async function windows(series: Series, options: SeriesWindowOptions): Promise<SeriesWindows> {
  const horizon = options.horizon ?? 1;
  checkSeries(series, options.dates);
  if (
    Number.isInteger(options.window) &&
    Number.isInteger(horizon) &&
    options.window + horizon > series.length
  )
    throw new DataError(
      `The window (${options.window} steps) plus the horizon (${horizon}) is longer than the series (${series.length} steps); use a window of at most ${Math.max(0, series.length - horizon)} steps or a longer series.`,
    );
  const { xs, ys } = await slidingWindows(series, {
    window: options.window,
    horizon,
    targetColumns: [options.targetColumn ?? 0],
  });
  return {
    xs,
    ys,
    dispose: () => {
      xs.dispose();
      ys.dispose();
    },
  };
}

/**
 * Throws a DataError at the first value that is not a finite number (NaN, infinite, `null` or missing),
 * saying at which step (and column), and at the first day `dates` skips.
 */
export function checkSeries(series: Series, dates?: readonly string[]): void {
  for (let t = 0; t < series.length; t++) {
    const row = series[t] as number | ArrayLike<number> | null | undefined;
    if (row !== null && row !== undefined && typeof row === 'object') {
      for (let c = 0; c < row.length; c++)
        if (!Number.isFinite(row[c]))
          throw new DataError(
            `The series has ${describe(row[c])} at step ${t}, column ${c}${at(dates, t)}; fill or drop the gap first (e.g. fillMissing from @tensorfold/data).`,
          );
    } else if (!Number.isFinite(row))
      throw new DataError(
        `The series has ${describe(row)} at step ${t}${at(dates, t)}; fill or drop the gap first (e.g. fillMissing from @tensorfold/data).`,
      );
  }
  if (dates === undefined) return;
  if (dates.length !== series.length)
    throw new DataError(
      `${dates.length} dates for a series of ${series.length} steps; give one date per step.`,
    );
  const day = 86_400_000;
  for (let t = 1; t < dates.length; t++) {
    const gap = Date.parse(dates[t] as string) - Date.parse(dates[t - 1] as string);
    if (!(gap === day))
      throw new DataError(
        `The series has a gap between step ${t - 1} (${dates[t - 1]}) and step ${t} (${dates[t]}); daily steps must be one day apart.`,
      );
  }
}

function describe(v: unknown): string {
  return v === null || v === undefined ? 'a missing value' : `the value ${String(v)}`;
}

function at(dates: readonly string[] | undefined, t: number): string {
  return dates?.[t] === undefined ? '' : ` (${dates[t]})`;
}
