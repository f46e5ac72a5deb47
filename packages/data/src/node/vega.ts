/**
 * Time series from the `vega-datasets` npm package: daily S&P 500 prices and daily Seattle weather.
 */
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';
import type { Categories, Table } from '../loaders/table.js';
import { packageDirectory } from './files.js';
import { readCsv } from './tabular.js';

/** A multivariate time series in time order. */
export interface TimeSeries {
  /** Date of each step, `YYYY-MM-DD`. */
  dates: string[];
  /** Names of the columns of `values`. */
  columnNames: readonly string[];
  /** `[steps, columns]` float32. */
  values: tf.Tensor2D;
  /** All columns of the source file. */
  table: Table;
  /** Frees `values`. */
  dispose(): void;
}

async function vegaTable(file: string, what: string): Promise<{ table: Table; path: string }> {
  const path = join(packageDirectory('vega-datasets', what), 'data', file);
  return { table: await readCsv(path, { columnTypes: { date: 'string' } }), path };
}

function series(table: Table, columns: readonly string[], path: string): TimeSeries {
  const known = table.columnNames.filter((c) => c !== 'date');
  for (const c of columns)
    if (!known.includes(c))
      throw new ConfigError(`${path} has no column "${c}"; choose from ${known.join(', ')}.`);
  const dates = table.strings('date').map((d, i) => {
    if (d === null) throw new DataError(`${path} row ${i} has no date.`);
    return d;
  });
  const values = table.toTensor(columns);
  return { dates, columnNames: [...columns], values, table, dispose: () => values.dispose() };
}

/** Columns of {@link loadStockPrices}. */
export const STOCK_COLUMNS = ['open', 'high', 'low', 'close', 'adjclose', 'volume'] as const;

/**
 * Daily S&P 500 index values, 2000-01-03 to 2020-04-17 (5,105 trading days; columns open, high, low,
 * close, adjclose in index points, volume in shares), from `sp500-2000.csv` of the `vega-datasets`
 * npm package (an optional peer dependency; BSD-3-Clause; the data comes from Yahoo Finance). For the
 * course's 60-day windows: min-max scale on the training years, then `slidingWindows(..., {window: 60})`.
 *
 * @param columns Which columns, in this order. Default `['open', 'high', 'low', 'close', 'volume']`.
 */
export async function loadStockPrices(
  options: { columns?: ReadonlyArray<(typeof STOCK_COLUMNS)[number]> } = {},
): Promise<TimeSeries> {
  const { table, path } = await vegaTable('sp500-2000.csv', 'The S&P 500 series');
  return series(table, options.columns ?? ['open', 'high', 'low', 'close', 'volume'], path);
}

/** Columns of {@link loadWeather}. */
export const WEATHER_COLUMNS = ['precipitation', 'temp_max', 'temp_min', 'wind'] as const;

/**
 * Daily weather in Seattle, 2012-01-01 to 2015-12-31 (1,461 days): precipitation (mm), maximum and
 * minimum temperature (degrees C), wind (m/s), and a weather kind (drizzle, rain, sun, snow, fog) as
 * class ids. From `seattle-weather.csv` of the `vega-datasets` npm package (an optional peer
 * dependency); NOAA data, a U.S. Government work (public domain).
 */
export async function loadWeather(
  options: { columns?: ReadonlyArray<(typeof WEATHER_COLUMNS)[number]> } = {},
): Promise<TimeSeries & { weather: Categories }> {
  const { table, path } = await vegaTable('seattle-weather.csv', 'The Seattle weather series');
  const s = series(table, options.columns ?? WEATHER_COLUMNS, path);
  return { ...s, weather: table.categories('weather') };
}
