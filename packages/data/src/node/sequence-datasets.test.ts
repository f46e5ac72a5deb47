// The loaders of the recurrent models' data: on the real npm packages and on small generated files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DataError } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFemaleFirstNames } from './first-names.js';
import { loadMobyDick } from './moby-dick.js';
import { loadSpamAssassin } from './spam-assassin.js';
import { loadStocks } from './stocks.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tensorfold-sequences-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadSpamAssassin', () => {
  it('reads the 6,046 mails of the npm package, 1,896 of them spam, bodies without headers', async () => {
    const mails = await loadSpamAssassin();
    expect(mails).toHaveLength(6046);
    expect(mails.filter((m) => m.label === 1)).toHaveLength(1896);
    const spam = mails.find((m) => m.group === 'spam-1');
    expect(spam?.text).not.toMatch(/^Return-Path:/m);
    const raw = await loadSpamAssassin({ groups: ['hard-ham-1'], part: 'all', maxCharacters: 100 });
    expect(raw).toHaveLength(250);
    expect(raw[0]?.text).toMatch(/^Return-Path: /); // the headers are kept
    expect(raw[0]?.text.length).toBeLessThanOrEqual(100);
  }, 60_000);

  it('reads a generated corpus, and names the broken file', async () => {
    const d = join(dir, 'spam');
    await mkdir(join(d, 'spam-1'), { recursive: true });
    await mkdir(join(d, 'easy-ham-1'), { recursive: true });
    await writeFile(join(d, 'file_list.json'), JSON.stringify(['easy-ham-1/1.txt', 'spam-1/2.txt']));
    await writeFile(
      join(d, 'easy-ham-1', '1.json'),
      JSON.stringify({ id: '1', group: 'easy-ham-1', text: 'H: x\n\nhi' }),
    );
    await writeFile(
      join(d, 'spam-1', '2.json'),
      JSON.stringify({ id: '2', group: 'spam-1', text: 'no headers' }),
    );
    expect(await loadSpamAssassin({ directory: d })).toEqual([
      { id: '1', group: 'easy-ham-1', label: 0, text: 'hi' },
      { id: '2', group: 'spam-1', label: 1, text: 'no headers' },
    ]);
    await writeFile(join(d, 'spam-1', '2.json'), JSON.stringify({ id: 2 }));
    await expect(loadSpamAssassin({ directory: d })).rejects.toThrow(/2\.json is not a mail record/);
    await expect(loadSpamAssassin({ groups: ['ham' as 'spam-1'], directory: d })).rejects.toThrow(
      ConfigError,
    );
  });
});

describe('loadMobyDick', () => {
  it('reads the 135 chapters in order, about 1.2 million characters', async () => {
    const chapters = await loadMobyDick();
    expect(chapters).toHaveLength(135);
    expect(chapters[0]?.text.startsWith('Call me Ishmael.')).toBe(true);
    expect(chapters.at(-1)?.chapter).toBe('135');
    const total = chapters.reduce((n, c) => n + c.text.length, 0);
    expect(total).toBeGreaterThan(1_100_000);
    expect(total).toBeLessThan(1_300_000);
    const all = await loadMobyDick({ frontAndBackMatter: true, fromChapter: 1, toChapter: 2 });
    expect(all.map((c) => c.chapter)).toEqual(['Contents', 'Etymology', 'Extracts', '1', '2', 'Epilogue']);
    await expect(loadMobyDick({ fromChapter: 0 })).rejects.toThrow(ConfigError);
  });

  it('reads a generated book and names a broken chapter', async () => {
    const d = join(dir, 'moby');
    await mkdir(d, { recursive: true });
    await writeFile(
      join(d, 'file_list.json'),
      JSON.stringify(['contents.txt', 'chapter_1.txt', 'chapter_2.txt']),
    );
    await writeFile(join(d, 'contents.json'), JSON.stringify({ chapter: 'Contents', title: '', text: 'C' }));
    await writeFile(join(d, 'chapter_1.json'), JSON.stringify({ chapter: '1', title: 'One.', text: 'a' }));
    await writeFile(join(d, 'chapter_2.json'), JSON.stringify({ chapter: '2', title: 'Two.', text: 'b' }));
    expect((await loadMobyDick({ directory: d, toChapter: 2 })).map((c) => c.text)).toEqual(['a', 'b']);
    await writeFile(join(d, 'chapter_2.json'), '{"chapter": 2}');
    await expect(loadMobyDick({ directory: d })).rejects.toThrow(/chapter_2\.json is not a chapter record/);
    await expect(loadMobyDick({ directory: join(d, 'none') })).rejects.toThrow(DataError);
  });
});

describe('loadFemaleFirstNames', () => {
  it('reads the 4,951 names, and a generated list', async () => {
    const names = await loadFemaleFirstNames();
    expect(names).toHaveLength(4951);
    expect(names.slice(0, 2)).toEqual(['Aaren', 'Aarika']);
    const d = join(dir, 'names');
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'names.json'), '["Ann", "Eve"]');
    expect(await loadFemaleFirstNames({ directory: d })).toEqual(['Ann', 'Eve']);
    await writeFile(join(d, 'names.json'), '["Ann", ""]');
    await expect(loadFemaleFirstNames({ directory: d })).rejects.toThrow(/names\.json is not a list/);
  });
});

describe('loadStocks', () => {
  it('reads the five companies of stocks.csv, monthly, with ISO dates', async () => {
    const stocks = await loadStocks();
    expect(stocks.map((s) => [s.symbol, s.prices.length])).toEqual([
      ['MSFT', 123],
      ['AMZN', 123],
      ['IBM', 123],
      ['GOOG', 68],
      ['AAPL', 123],
    ]);
    expect(stocks[0]?.dates.slice(0, 2)).toEqual(['2000-01-01', '2000-02-01']);
    expect(stocks[0]?.prices[0]).toBeCloseTo(39.81);
    expect(stocks[4]?.dates.at(-1)).toBe('2010-03-01');
    await expect(loadStocks({ symbols: ['TSLA'] })).rejects.toThrow(/no symbol 'TSLA'/);
  });

  it('reads a generated file and names a malformed row', async () => {
    const path = join(dir, 'stocks.csv');
    await writeFile(path, 'symbol,date,price\nX,Feb 1 2001,2\nX,Jan 1 2001,1\n');
    const [x] = await loadStocks({ path });
    expect(x?.dates).toEqual(['2001-01-01', '2001-02-01']);
    expect(Array.from(x?.prices ?? [])).toEqual([1, 2]);
    await writeFile(path, 'symbol,date,price\nX,2001-01-01,1\n');
    await expect(loadStocks({ path })).rejects.toThrow(/row 1 is not "symbol,date,price"/);
  });
});
