/**
 * The datasets of the recurrent models (`tensorfold train forecaster | spam | charlm`): daily series split
 * in time order, mails split at random, and texts split into training and held-out characters.
 */
import { ConfigError, Random } from '@tensorfold/core';

/** A series split in time order: training, validation and test steps. */
export interface SeriesSplit {
  description: string;
  /** What a value is, e.g. `degrees C`. */
  unit: string;
  /** `[time][features]`; feature 0 is the target. */
  values: number[][];
  /** Names of the features. */
  columns: string[];
  dates: string[];
  /** First step of the validation part. */
  validationStart: number;
  /** First step of the test part. */
  testStart: number;
  /** Whether the steps are days (so `windows` checks that none is missing). */
  daily: boolean;
}

/** Loads a forecasting dataset. */
export async function loadSeries(name: string): Promise<SeriesSplit> {
  const data = await import('@tensorfold/data/node');
  if (name === 'seattle-weather') {
    const columns = ['temp_max', 'temp_min', 'precipitation', 'wind'] as const;
    const s = await data.loadWeather({ columns });
    const values = (await s.values.array()) as number[][];
    s.dispose();
    const firstOf = (year: string) => s.dates.findIndex((d) => d.startsWith(year));
    return {
      description:
        'Seattle daily weather 2012-2015: maximum temperature to predict, from windows of maximum and minimum temperature, precipitation and wind (train 2012-2013, validation 2014, test 2015)',
      unit: 'degrees C',
      values,
      columns: [...columns],
      dates: s.dates,
      validationStart: firstOf('2014'),
      testStart: firstOf('2015'),
      daily: true,
    };
  }
  if (name === 'stocks') {
    const [msft] = await data.loadStocks({ symbols: ['MSFT'] });
    if (!msft) throw new ConfigError('stocks.csv has no MSFT series.');
    const n = msft.prices.length;
    return {
      description: `Microsoft monthly price ${msft.dates[0]} to ${msft.dates[n - 1]}, ${n} months (vega-datasets stocks.csv; train 70%, validation 15%, test 15%, in time order)`,
      unit: 'US dollars',
      values: Array.from(msft.prices, (p) => [p]),
      columns: ['price'],
      dates: msft.dates,
      validationStart: Math.floor(n * 0.7),
      testStart: Math.floor(n * 0.85),
      daily: false,
    };
  }
  if (name === 'sp500') {
    const s = await data.loadStockPrices({ columns: ['close'] });
    const values = (await s.values.array()) as number[][];
    s.dispose();
    const n = values.length;
    return {
      description: `S&P 500 daily close ${s.dates[0]} to ${s.dates[n - 1]}, ${n} trading days (train 70%, validation 15%, test 15%, in time order)`,
      unit: 'index points',
      values,
      columns: ['close'],
      dates: s.dates,
      validationStart: Math.floor(n * 0.7),
      testStart: Math.floor(n * 0.85),
      daily: false,
    };
  }
  throw new ConfigError(`"${name}" is not a series; forecasters train on seattle-weather, stocks or sp500.`);
}

/** Labelled texts split at random into training and test texts. */
export interface TextSplit {
  description: string;
  classNames: string[];
  train: { texts: string[]; labels: number[] };
  test: { texts: string[]; labels: number[] };
}

/** Loads a text classification dataset, shuffled with `seed`; 20% is held out for the test. */
export async function loadLabelledTexts(name: string, seed: number, limit?: number): Promise<TextSplit> {
  if (name !== 'spam-assassin')
    throw new ConfigError(`"${name}" is not a text classification dataset; use spam-assassin.`);
  const { loadSpamAssassin } = await import('@tensorfold/data/node');
  const mails = await loadSpamAssassin({ maxCharacters: 5000 });
  const order = Array.from(new Random(seed).permutation(mails.length)).slice(0, limit ?? mails.length);
  const cut = Math.floor(order.length * 0.8);
  const part = (ids: number[]) => ({
    texts: ids.map((i) => mails[i]?.text ?? ''),
    labels: ids.map((i) => mails[i]?.label ?? 0),
  });
  return {
    description: `SpamAssassin public corpus, ${order.length} mails (bodies, without headers; first 5,000 characters each), shuffled with seed ${seed}: ${cut} to train, ${order.length - cut} to test`,
    classNames: ['ham', 'spam'],
    train: part(order.slice(0, cut)),
    test: part(order.slice(cut)),
  };
}

/** A text split into training characters and held-out characters (the last 10%). */
export interface TextCorpus {
  description: string;
  train: string;
  heldOut: string;
}

/** Loads a text to model; `limit` keeps the first characters only. */
export async function loadCorpus(name: string, limit?: number): Promise<TextCorpus> {
  const data = await import('@tensorfold/data/node');
  let text: string;
  let what: string;
  if (name === 'moby-dick') {
    text = (await data.loadMobyDick()).map((c) => c.text).join('\n\n');
    what = 'Moby Dick, chapters 1-135';
  } else if (name === 'female-first-names') {
    const names = await data.loadFemaleFirstNames();
    // Shuffled so the held-out names are not the end of the alphabet.
    const order = new Random(1).permutation(names.length);
    text = `${Array.from(order, (i) => names[i]).join('\n')}\n`;
    what = `${names.length} English female first names, one a line, shuffled`;
  } else throw new ConfigError(`"${name}" is not a text corpus; use moby-dick or female-first-names.`);
  if (limit !== undefined) text = text.slice(0, limit);
  const cut = Math.floor(text.length * 0.9);
  return {
    description: `${what}: ${text.length.toLocaleString('en-US')} characters, the first 90% to train, the last 10% held out`,
    train: text.slice(0, cut),
    heldOut: text.slice(cut),
  };
}
