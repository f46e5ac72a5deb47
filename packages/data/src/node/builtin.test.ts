import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { holdOut } from '../splits/splits.js';
import { useCpu } from '../test-utils/setup.js';
import { loadIris } from './iris.js';
import { loadSotu } from './sotu.js';
import { loadStockPrices, loadWeather } from './vega.js';

beforeAll(useCpu);

describe('built-in datasets', () => {
  it('Iris: 150 flowers, 4 features, 3 balanced species', async () => {
    const iris = await loadIris({ oneHot: true });
    expect(iris.xs.shape).toEqual([150, 4]);
    expect(iris.ys.shape).toEqual([150, 3]);
    expect(iris.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(iris.featureNames[2]).toBe('petal length');
    const first = tf.slice(iris.xs, [0, 0], [1, 4]);
    expect(Array.from(await first.data()).map((v) => Math.round(v * 10) / 10)).toEqual([5.1, 3.5, 1.4, 0.2]);
    first.dispose();
    const counts = [0, 0, 0];
    for (const l of iris.labels) counts[l]++;
    expect(counts).toEqual([50, 50, 50]);
    const split = holdOut(iris.count, { testFraction: 0.2, stratify: iris.labels, seed: 1 });
    expect(split.test.length).toBe(30);
    iris.dispose();
  });

  it('Iris with limit: the species take turns, so every class stays', async () => {
    const all = await loadIris();
    const six = await loadIris({ limit: 6 });
    expect(Array.from(six.labels)).toEqual([0, 1, 2, 0, 1, 2]);
    // rows 0, 50, 100, 1, 51, 101 of the file
    const want = tf.gather(all.xs, [0, 50, 100, 1, 51, 101]);
    expect(Array.from(await six.xs.data())).toEqual(Array.from(await want.data()));
    const hundred = await loadIris({ limit: 100 });
    const counts = [0, 0, 0];
    for (const l of hundred.labels) counts[l]++;
    expect(counts).toEqual([34, 33, 33]);
    tf.dispose([want]);
    for (const d of [all, six, hundred]) d.dispose();
  });

  it('S&P 500: 5,105 trading days in time order, chosen columns', async () => {
    const sp = await loadStockPrices({ columns: ['close'] });
    expect(sp.values.shape).toEqual([5105, 1]);
    expect(sp.dates[0]).toBe('2000-01-03');
    expect(sp.dates[5104]).toBe('2020-04-17');
    expect(sp.dates.every((d, i) => i === 0 || d > sp.dates[i - 1])).toBe(true);
    const firstClose = tf.slice(sp.values, [0, 0], [1, 1]);
    expect((await firstClose.data())[0]).toBeCloseTo(1455.22, 2);
    firstClose.dispose();
    sp.dispose();
    await expect(loadStockPrices({ columns: ['price' as 'close'] })).rejects.toThrow(/no column "price"/);
  });

  it('Seattle weather: 1,461 days, 4 measurements and weather kinds', async () => {
    const w = await loadWeather();
    expect(w.values.shape).toEqual([1461, 4]);
    expect(w.columnNames).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(w.weather.names.sort()).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expect(w.dates[1460]).toBe('2015-12-31');
    w.dispose();
  });

  it('State of the Union: every address from 1790, filtered by year, party and name', async () => {
    const all = await loadSotu();
    expect(all).toHaveLength(233);
    expect(all[0]).toMatchObject({ year: 1790, name: 'George Washington', party: 'none' });
    expect(all[0].text.startsWith('Fellow-Citizens')).toBe(true);
    const obama = await loadSotu({ name: 'Barack Obama' });
    expect(obama.map((s) => s.year)).toEqual([2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016]);
    const decade = await loadSotu({ fromYear: 1900, toYear: 1909, party: 'Republican' });
    expect(decade.length).toBeGreaterThan(5);
    expect(decade.every((s) => s.party === 'Republican' && s.year >= 1900 && s.year <= 1909)).toBe(true);
  });

  it('State of the Union: the outgoing President first in a year with two addresses; names and parties forgiving but checked', async () => {
    const twoPresidents = await loadSotu({ fromYear: 1953, toYear: 1961 });
    const byYear = (year: number) => twoPresidents.filter((s) => s.year === year).map((s) => s.name);
    expect(byYear(1953)).toEqual(['Harry S Truman', 'Dwight D Eisenhower']);
    expect(byYear(1961)).toEqual(['Dwight D Eisenhower', 'John F Kennedy']);
    // The data writes 'Donald J Trump'; 'Donald J. Trump' and any case used to match nothing.
    const trump = await loadSotu({ name: 'donald j. trump', fromYear: 2017 });
    expect(trump.map((s) => s.year)).toEqual([2017, 2018, 2019, 2020]);
    expect((await loadSotu({ party: 'national union' })).map((s) => s.year)).toEqual([
      1865, 1866, 1867, 1868,
    ]);
    // A typo is an error, not an empty corpus.
    await expect(loadSotu({ name: 'Barak Obama' })).rejects.toThrow(ConfigError);
    await expect(loadSotu({ party: 'Republicans' })).rejects.toThrow(/'Whig'/);
    // A real name outside the years asked for is an empty result, not an error.
    expect(await loadSotu({ name: 'Barack Obama', toYear: 1800 })).toEqual([]);
  });
});
