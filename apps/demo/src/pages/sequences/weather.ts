/**
 * The series of the forecasting demo: Seattle's daily maximum temperature, 2012-2015 (1,461 days; NOAA data
 * from the `vega-datasets` npm package, served by the site as `data/seattle-weather.csv`). 2012-2014 train
 * the model, 2015 tests it.
 */
import { DataError } from '@tensorfold/core';

/** A daily series with its dates. */
export interface DailySeries {
  dates: string[];
  values: number[];
}

/** Days used to train (2012-01-01 to 2014-12-31); the rest (2015) is the test year. */
export const TRAIN_DAYS = 1096;

/**
 * Reads one numeric column of the CSV (`date,precipitation,temp_max,temp_min,wind,weather`).
 * @throws DataError naming the column or the line when the file is not that table.
 */
export function parseWeather(csv: string, column = 'temp_max'): DailySeries {
  const lines = csv.trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(',');
  const c = header.indexOf(column);
  const d = header.indexOf('date');
  if (c < 0 || d < 0)
    throw new DataError(
      `The weather file has no "${column}" or "date" column (it has: ${header.join(', ')}).`,
    );
  const dates: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = (lines[i] as string).split(',');
    const v = Number(cells[c]);
    if (cells[c] === undefined || cells[c] === '' || !Number.isFinite(v))
      throw new DataError(`Line ${i + 1} of the weather file has no number in "${column}".`);
    dates.push(cells[d] as string);
    values.push(v);
  }
  return { dates, values };
}
