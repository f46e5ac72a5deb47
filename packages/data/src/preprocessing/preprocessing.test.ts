import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError, ShapeError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { fillMissing } from './missing.js';
import { multiHot, oneHot } from './one-hot.js';
import { padSequences, prefixSequences } from './pad-sequences.js';
import { MinMaxScaler, minMaxScaler, StandardScaler, standardScaler } from './scalers.js';
import { Tokenizer } from './tokenizer.js';
import { slidingWindows } from './windows.js';

beforeAll(useCpu);

async function values(t: tf.Tensor): Promise<unknown> {
  const v = await t.array();
  t.dispose();
  return v;
}

function close(actual: unknown, expected: unknown, digits = 5): void {
  const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
  const a = flat(actual);
  const e = flat(expected);
  expect(a.length).toBe(e.length);
  for (const [i, v] of a.entries()) expect(v).toBeCloseTo(e[i], digits);
}

describe('scalers', () => {
  it('z-score uses training statistics only, on test data too, and inverts exactly', async () => {
    const train = tf.tensor2d([
      [1, 10],
      [3, 10],
      [5, 10],
    ]);
    const test = tf.tensor2d([[7, 12]]);
    const scaler = await standardScaler().fit(train);
    close(scaler.mean, [3, 10]);
    close(scaler.std, [Math.sqrt(8 / 3), 1]); // constant feature: std 1, not 0
    close(await values(scaler.transform(train)), [
      [-1.224745, 0],
      [0, 0],
      [1.224745, 0],
    ]);
    // Test data uses the training mean and std (not its own, which would give 0).
    close(await values(scaler.transform(test)), [[4 / Math.sqrt(8 / 3), 2]]);
    const back = scaler.inverseTransform(scaler.transform(test));
    close(await values(back), [[7, 12]]);
    // One column of predictions back to original units.
    close(await values(scaler.inverseTransform(tf.tensor2d([[1.224745]]), [0])), [[5]]);
    const restored = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
    close(await values(restored.transform(test)), [[4 / Math.sqrt(8 / 3), 2]]);
    scaler.dispose();
    restored.dispose();
    tf.dispose([train, test]);
  });

  it('min-max maps the training range to the output range and works per feature over time series', async () => {
    const series = tf.tensor3d([
      [
        [0, 100],
        [10, 200],
      ],
      [
        [5, 300],
        [20, 100],
      ],
    ]); // [2, 2, 2]
    const scaler = await minMaxScaler({ range: [-1, 1] }).fit(series);
    close(scaler.dataMin, [0, 100]);
    close(scaler.dataRange, [20, 200]);
    close(await values(scaler.transform(series)), [
      [
        [-1, -1],
        [0, 0],
      ],
      [
        [-0.5, 1],
        [1, -1],
      ],
    ]);
    close(await values(scaler.transform(tf.tensor2d([[40, 500]]))), [[3, 3]]);
    close(await values(scaler.inverseTransform(tf.tensor2d([[0, 0]]))), [[10, 200]]);
    const global = await new MinMaxScaler({ per: 'global' }).fit(
      tf.tensor2d([
        [0, 50],
        [100, 25],
      ]),
    );
    close(await values(global.transform(tf.tensor1d([25]))), [0.25]);
    const restored = MinMaxScaler.fromJSON(global.toJSON());
    close(await values(restored.inverseTransform(tf.tensor1d([0.5]))), [50]);
    tf.dispose(series);
    for (const s of [scaler, global, restored]) s.dispose();
  });

  it('refuses NaN data, unfitted use and the wrong number of features', async () => {
    const s = new StandardScaler();
    const x = tf.tensor2d([[1, Number.NaN]]);
    await expect(s.fit(x)).rejects.toThrow(DataError);
    await expect(s.fit(x)).rejects.toThrow(/fillMissing/);
    expect(() => s.transform(x)).toThrow(ConfigError);
    await s.fit(tf.tensor2d([[1, 2]]));
    expect(() => s.transform(tf.tensor2d([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => s.inverseTransform(tf.tensor2d([[1]]), [5])).toThrow(ConfigError);
    expect(() => new MinMaxScaler({ range: [1, 0] })).toThrow(ConfigError);
    s.dispose();
    x.dispose();
  });

  it('refuses a 1-D tensor per feature instead of fitting each sample as its own feature', async () => {
    const series = tf.tensor1d([1, 2, 3]);
    const s = standardScaler();
    // Per feature, [samples] has no feature axis: the statistics would be the data itself.
    await expect(s.fit(series)).rejects.toThrow(ShapeError);
    await expect(s.fit(series)).rejects.toThrow(/\[samples, 1\]/);
    expect(s.fitted).toBe(false);
    const global = await standardScaler({ per: 'global' }).fit(series);
    close(await values(global.transform(series)), [-Math.sqrt(1.5), 0, Math.sqrt(1.5)]);
    global.dispose();
    series.dispose();
  });

  it('restores a global scaler without leaking and rejects inconsistent saved states', () => {
    const before = tf.memory().numTensors;
    const restored = StandardScaler.fromJSON({ kind: 'standard', per: 'global', offset: [1], scale: [2] });
    expect(tf.memory().numTensors - before).toBe(2);
    restored.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const bad = [
      { kind: 'standard', per: 'feature', offset: [1, 2], scale: [1] },
      { kind: 'standard', per: 'global', offset: [1, 2], scale: [1, 1] },
      { kind: 'standard', per: 'feature', offset: [], scale: [] },
      { kind: 'standard', per: 'feature', offset: [0], scale: [0] },
      { kind: 'standard', per: 'feature', offset: [Number.NaN], scale: [1] },
    ] as const;
    for (const state of bad) {
      expect(() => StandardScaler.fromJSON(state as never)).toThrow(DataError);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(() =>
      MinMaxScaler.fromJSON({ kind: 'minMax', per: 'feature', offset: [0], scale: [1], range: [1, 0] }),
    ).toThrow(ConfigError);
  });
});

describe('encodings', () => {
  it('one-hot and multi-hot', async () => {
    expect(await values(oneHot([0, 2, 1], 3))).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    expect((oneHot(Int32Array.from([3])) as tf.Tensor).shape).toEqual([1, 4]);
    expect(() => oneHot([0, 3], 3)).toThrow(/Label 1 is 3/);
    expect(() => oneHot([1.5])).toThrow(DataError);
    expect(await values(multiHot([[1, 3], [0, 0, 2], []], 4))).toEqual([
      [0, 1, 0, 1],
      [1, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    expect(() => multiHot([[4]], 4)).toThrow(/outside \[0, 4\)/);
  });

  it('fillMissing puts zeros (or a value) where data is missing, with optional indicators', async () => {
    const x = tf.tensor2d([
      [1, Number.NaN],
      [Number.NaN, 4],
    ]);
    expect(await values(fillMissing(x))).toEqual([
      [1, 0],
      [0, 4],
    ]);
    expect(await values(fillMissing(x, { value: -1, indicator: true }))).toEqual([
      [1, -1, 0, 1],
      [-1, 4, 1, 0],
    ]);
    expect(() => fillMissing(x, { value: Number.NaN })).toThrow(ConfigError);
    // A scalar has no feature axis to append indicators to.
    const scalar = tf.scalar(Number.NaN);
    expect(await values(fillMissing(scalar))).toEqual(0);
    const before = tf.memory().numTensors;
    expect(() => fillMissing(scalar, { indicator: true })).toThrow(ShapeError);
    expect(tf.memory().numTensors).toBe(before);
    scalar.dispose();
    x.dispose();
  });

  it('padSequences pads and truncates before or after', async () => {
    const seqs = [[1, 2], [3, 4, 5, 6], []];
    expect(await values(padSequences(seqs, { maxLength: 3 }))).toEqual([
      [0, 1, 2],
      [4, 5, 6],
      [0, 0, 0],
    ]);
    expect(
      await values(padSequences(seqs, { maxLength: 3, padding: 'post', truncating: 'post', value: 9 })),
    ).toEqual([
      [1, 2, 9],
      [3, 4, 5],
      [9, 9, 9],
    ]);
    const longest = padSequences(seqs);
    expect(longest.shape).toEqual([3, 4]);
    expect(longest.dtype).toBe('int32');
    longest.dispose();
    expect(() => padSequences(seqs, { padding: 'middle' as 'pre' })).toThrow(ConfigError);
    expect(() => padSequences(seqs, { dtype: 'int8' as 'int32' })).toThrow(ConfigError);
  });

  it('padSequences refuses what is not a list of sequences, and a padding value int32 would change', async () => {
    const before = tf.memory().numTensors;
    // A number among the sequences used to pad as an empty row (or fail on maxLength NaN).
    expect(() => padSequences([[1, 2], 3 as unknown as number[]], { maxLength: 2 })).toThrow(DataError);
    expect(() => padSequences([[1, 2], 3 as unknown as number[]])).toThrow(/item 1/);
    expect(() => padSequences(['ab'] as unknown as number[][])).toThrow(DataError);
    // Keras truncates 0.5 to 0 in an int32 result; refused here, kept with float32.
    expect(() => padSequences([[1], [2, 3]], { value: 0.5 })).toThrow(/float32/);
    expect(() => padSequences([[1], [2, 3]], { value: '0' as unknown as number })).toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(before);
    expect(await values(padSequences([[1], [2, 3]], { value: 0.5, dtype: 'float32' }))).toEqual([
      [0.5, 1],
      [2, 3],
    ]);
    expect(prefixSequences([[169, 17, 665], [6]])).toEqual([
      [169, 17],
      [169, 17, 665],
    ]);
  });
});

describe('Tokenizer', () => {
  const corpus = ['The cat sat on the mat.', "The dog's bone!", 'A cat, a dog.'];

  it('builds a frequency-ordered word vocabulary with lowercasing and punctuation stripped', () => {
    const t = new Tokenizer().fitOnTexts(corpus);
    expect(t.documentCount).toBe(3);
    expect([...t.wordIndex.entries()].slice(0, 4)).toEqual([
      ['the', 1],
      ['cat', 2],
      ['a', 3],
      ['sat', 4],
    ]);
    expect(t.wordCounts.get('the')).toBe(3);
    expect(t.textsToSequences(['the cat', 'A DOG!'])).toEqual([
      [1, 2],
      [3, t.wordIndex.get('dog') as number],
    ]);
    expect(t.wordIndex.has("dog's")).toBe(true); // Keras's filters keep the apostrophe
    expect(t.sequencesToTexts([[1, 2, 0, 4]])).toEqual(['the cat sat']);
    expect(t.vocabularySize).toBe(t.wordIndex.size + 1);
  });

  it('refuses a single string where a list of texts or sequences is expected', () => {
    // A string is iterable: fitting on it used to learn its characters as the vocabulary.
    const t = new Tokenizer();
    expect(() => t.fitOnTexts('the cat sat' as unknown as string[])).toThrow(DataError);
    expect(() => t.fitOnTexts('the cat sat' as unknown as string[])).toThrow(
      /\['the cat sat'\]|array of texts/,
    );
    expect(t.documentCount).toBe(0);
    expect(t.wordIndex.size).toBe(0);
    t.fitOnTexts(corpus);
    // A bad text anywhere in the list changes nothing, not even the texts before it.
    expect(() => t.fitOnTexts(['zebra', 5 as unknown as string])).toThrow(DataError);
    expect([t.documentCount, t.wordCounts.has('zebra')]).toEqual([3, false]);
    expect(() => t.textsToSequences('the cat' as unknown as string[])).toThrow(DataError);
    // A flat list of ids is one sequence, not a list of them: it decoded to empty texts.
    expect(() => t.sequencesToTexts([1, 2] as unknown as number[][])).toThrow(DataError);
    expect(t.sequencesToTexts([Int32Array.from([1, 2])])).toEqual(['the cat']);
  });

  it('limits the vocabulary and maps the rest to the OOV token', () => {
    const t = new Tokenizer({ numWords: 4, oovToken: '<oov>' }).fitOnTexts(corpus);
    expect(t.wordIndex.get('<oov>')).toBe(1);
    expect(t.wordIndex.get('the')).toBe(2);
    expect(t.textsToSequences(['the cat sat zebra'])).toEqual([[2, 3, 1, 1]]);
    expect(t.sequencesToTexts([[2, 3, 1]])).toEqual(['the cat <oov>']);
    expect(t.vocabularySize).toBe(4);
    const noOov = new Tokenizer({ numWords: 3 }).fitOnTexts(corpus);
    expect(noOov.textsToSequences(['the cat sat'])).toEqual([[1, 2]]);
  });

  it('works at character level, keeps case and punctuation on request, and makes n-grams', () => {
    const chars = new Tokenizer({ level: 'char' }).fitOnTexts(['abba']);
    expect(chars.textsToSequences(['ab'])).toEqual([[1, 2]]);
    expect(chars.sequencesToTexts([[2, 1, 1]])).toEqual(['baa']);
    const raw = new Tokenizer({ lower: false, filters: null }).fitOnTexts(['Hi, hi']);
    expect([...raw.wordIndex.keys()]).toEqual(['Hi,', 'hi']);
    const bigrams = new Tokenizer({ ngrams: 2 });
    expect(bigrams.tokenize('New York is big')).toEqual([
      'new',
      'york',
      'is',
      'big',
      'new york',
      'york is',
      'is big',
    ]);
    expect(new Tokenizer({ level: 'char', ngrams: 2 }).tokenize('abc')).toEqual(['a', 'b', 'c', 'ab', 'bc']);
  });

  it('counts texts as binary/count/freq matrices and survives a JSON round trip', () => {
    const t = new Tokenizer().fitOnTexts(corpus);
    const [row] = t.textsToMatrix(['the the cat'], 'count');
    expect(row[1]).toBe(2);
    expect(row[2]).toBe(1);
    expect(t.textsToMatrix(['the the cat'], 'binary')[0][1]).toBe(1);
    expect(t.textsToMatrix(['the the cat'], 'freq')[0][1]).toBeCloseTo(2 / 3);
    const copy = Tokenizer.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(copy.textsToSequences(corpus)).toEqual(t.textsToSequences(corpus));
    expect(() => new Tokenizer().textsToSequences(['x'])).toThrow(/fitOnTexts/);
    expect(() => new Tokenizer({ numWords: 0 })).toThrow(ConfigError);
  });
});

describe('slidingWindows', () => {
  it('makes 60-step windows predicting the next value of the target column, in time order', async () => {
    const rows = Array.from({ length: 100 }, (_, t) => [t, 1000 + t]);
    const { xs, ys } = await slidingWindows(rows, { window: 60 });
    expect(xs.shape).toEqual([40, 60, 2]);
    expect(ys.shape).toEqual([40, 1]);
    const x = (await xs.array()) as number[][][];
    const y = (await ys.array()) as number[][];
    expect(x[0][0]).toEqual([0, 1000]);
    expect(x[0][59]).toEqual([59, 1059]);
    expect(y[0]).toEqual([60]);
    expect(x[39][59][0]).toBe(98);
    expect(y[39]).toEqual([99]);
    tf.dispose([xs, ys]);
  });

  it('supports horizon, stride, several targets and tensors; rejects short series', async () => {
    const series = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const { xs, ys } = await slidingWindows(series, { window: 3, horizon: 2, stride: 3 });
    expect(await values(xs)).toEqual([
      [[0], [1], [2]],
      [[3], [4], [5]],
    ]);
    expect(await values(ys)).toEqual([[4], [7]]);
    const two = await slidingWindows(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { window: 2, targetColumns: [1, 0] },
    );
    expect(await values(two.ys)).toEqual([[6, 5]]);
    two.xs.dispose();
    await expect(slidingWindows(series, { window: 10 })).rejects.toThrow(DataError);
    await expect(slidingWindows(series, { window: 2, targetColumns: [1] })).rejects.toThrow(ConfigError);
    series.dispose();
  });
});
