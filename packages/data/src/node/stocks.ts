/**
 * Monthly stock prices of five companies, from `stocks.csv` of the `vega-datasets` npm package.
 */
import { join } from 'node:path';
import { ConfigError, DataError } from '@tensorfold/core';
import { packageDirectory } from './files.js';
import { readCsv } from './tabular.js';

/** The companies of {@link loadStocks}. */
export const STOCK_SYMBOLS = ['MSFT', 'AMZN', 'IBM', 'GOOG', 'AAPL'] as const;

/** One company's prices in time order. */
export interface StockSeries {
  symbol: string;
  /** First day of each month, `YYYY-MM-DD`. */
  dates: string[];
  /** Price in US dollars at the start of each month. */
  prices: Float64Array;
}

/** Options of {@link loadStocks}. */
export interface StocksOptions {
  /** Only these companies. Default: all five. */
  symbols?: readonly string[];
  /** The CSV file (`symbol,date,price`, dates as `Jan 1 2000`). Default: the installed package's `data/stocks.csv`. */
  path?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Monthly prices of Microsoft, Amazon, IBM, Google and Apple, January 2000 to March 2010 (123 months each,
 * Google from August 2004: 68), one series per company in the order of `symbols`. From `stocks.csv` of the
 * `vega-datasets` npm package (an optional peer dependency; BSD-3-Clause), read from disk.
 *
 * @throws ConfigError for a symbol the file lacks; DataError naming the line of a malformed date or price.
 */
export async function loadStocks(options: StocksOptions = {}): Promise<StockSeries[]> {
  const path =
    options.path ?? join(packageDirectory('vega-datasets', 'The stocks series'), 'data', 'stocks.csv');
  const table = await readCsv(path, { columnTypes: { symbol: 'string', date: 'string', price: 'number' } });
  const symbols = table.strings('symbol');
  const dates = table.strings('date');
  const prices = table.numbers('price');
  const bySymbol = new Map<string, { dates: string[]; prices: number[] }>();
  for (let i = 0; i < symbols.length; i++) {
    const symbol = symbols[i];
    const date = isoDate(dates[i] ?? null);
    const price = prices[i] as number;
    if (symbol === null || symbol === undefined || date === null || !Number.isFinite(price))
      throw new DataError(
        `${path} data row ${i + 1} is not "symbol,date,price" with a date like "Jan 1 2000" (got ${symbol}, ${dates[i]}, ${price}).`,
      );
    const s = bySymbol.get(symbol) ?? { dates: [], prices: [] };
    s.dates.push(date);
    s.prices.push(price);
    bySymbol.set(symbol, s);
  }
  const wanted = options.symbols ?? [...bySymbol.keys()];
  return wanted.map((symbol) => {
    const s = bySymbol.get(symbol);
    if (!s)
      throw new ConfigError(`${path} has no symbol '${symbol}'; it has ${[...bySymbol.keys()].join(', ')}.`);
    const order = s.dates
      .map((_, i) => i)
      .sort((a, b) => ((s.dates[a] as string) < (s.dates[b] as string) ? -1 : 1));
    return {
      symbol,
      dates: order.map((i) => s.dates[i] as string),
      prices: Float64Array.from(order, (i) => s.prices[i] as number),
    };
  });
}

/** `Jan 1 2000` -> `2000-01-01`; null when it is not such a date. */
function isoDate(text: string | null): string | null {
  const m = text === null ? null : /^([A-Z][a-z]{2}) (\d{1,2}) (\d{4})$/.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[1] as string) : -1;
  if (!m || month < 0) return null;
  return `${m[3]}-${String(month + 1).padStart(2, '0')}-${(m[2] as string).padStart(2, '0')}`;
}
