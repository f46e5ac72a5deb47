import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { linearModel, mse } from '../test-utils/toy-model.js';
import { crossValidate } from './cross-validate.js';
import { findDuplicates } from './duplicates.js';
import { holdOut, iteratedKFold, kFold, takeRows, timeOrderedSplit, timeSeriesSplit } from './splits.js';

beforeAll(useCpu);

const sorted = (a: ArrayLike<number>) => Array.from(a).sort((x, y) => x - y);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('hold-out', () => {
  it('splits by fractions, shuffled with a seed, covering every sample once', () => {
    const a = holdOut(100, { testFraction: 0.2, validationFraction: 0.1, seed: 3 });
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([70, 10, 20]);
    expect(sorted([...a.train, ...a.validation, ...a.test])).toEqual(range(100));
    expect(holdOut(100, { testFraction: 0.2, validationFraction: 0.1, seed: 3 })).toEqual(a);
    expect(holdOut(100, { seed: 4 }).test).not.toEqual(holdOut(100, { seed: 3 }).test);
    expect(Array.from(a.train)).not.toEqual(range(70));
  });

  it('without shuffling (and always for time-ordered splits) the test set is the last samples', () => {
    const plain = holdOut(10, { testFraction: 0.3, shuffle: false });
    expect(Array.from(plain.train)).toEqual(range(7));
    expect(Array.from(plain.test)).toEqual([7, 8, 9]);
    const time = timeOrderedSplit(10, { testFraction: 0.2, validationFraction: 0.2 });
    expect(Array.from(time.train)).toEqual(range(6));
    expect(Array.from(time.validation)).toEqual([6, 7]);
    expect(Array.from(time.test)).toEqual([8, 9]);
  });

  it('stratifies by class', () => {
    const labels = Int32Array.from(range(100), (i) => (i < 80 ? 0 : 1));
    const s = holdOut(100, { testFraction: 0.25, stratify: labels, seed: 1 });
    const ones = Array.from(s.test).filter((i) => labels[i] === 1).length;
    expect(s.test.length).toBe(25);
    expect(ones).toBe(5);
  });

  it('a stratified split keeps the asked fractions of the whole, not rounded up per class', () => {
    // 3 classes of 3: 20% of 9 is 2 test samples (rounding per class gave 3, a third of the data).
    const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    const s = holdOut(9, { testFraction: 0.2, validationFraction: 0.2, stratify: labels, seed: 1 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([5, 2, 2]);
    expect(sorted([...s.train, ...s.validation, ...s.test])).toEqual(range(9));
    // no class gives two test samples while another gives none
    const testClasses = Array.from(s.test, (i) => labels[i]);
    expect(new Set(testClasses).size).toBe(2);
    // 60 / 30 / 10 samples, 10% test: 6 / 3 / 1 exactly
    const skewed = Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
    const t = holdOut(100, { testFraction: 0.1, stratify: skewed, seed: 2 }).test;
    expect([0, 1, 2].map((c) => Array.from(t).filter((i) => skewed[i] === c).length)).toEqual([6, 3, 1]);
  });

  it('rejects fractions that leave a set empty', () => {
    expect(() => holdOut(100, { testFraction: 1 })).toThrow(ConfigError);
    expect(() => holdOut(100, { testFraction: 0.5, validationFraction: 0.5 })).toThrow(ConfigError);
    expect(() => holdOut(2, { testFraction: 0.1 })).toThrow(DataError);
    expect(() => holdOut(1)).toThrow(DataError);
  });

  it('a stratified split or a validation fraction that leaves its set empty is refused too', () => {
    // 10% of 4 samples rounds to no test sample, stratified or not.
    expect(() => holdOut(4, { testFraction: 0.1, stratify: [0, 0, 1, 1], seed: 1 })).toThrow(DataError);
    expect(() => holdOut(4, { testFraction: 0.1, stratify: [0, 0, 1, 1], seed: 1 })).toThrow(/testFraction/);
    expect(() => holdOut(10, { testFraction: 0.3, validationFraction: 0.01 })).toThrow(/validationFraction/);
    expect(() =>
      holdOut(6, { testFraction: 0.5, validationFraction: 0.05, stratify: [0, 0, 0, 1, 1, 1], seed: 1 }),
    ).toThrow(/validationFraction/);
    const ok = holdOut(4, { testFraction: 0.5, stratify: [0, 0, 1, 1], seed: 1 });
    expect([ok.train.length, ok.test.length]).toEqual([2, 2]);
  });
});

describe('K-fold', () => {
  it('cuts k partitions of nearly equal size; each sample validates exactly once', () => {
    const folds = kFold(10, { k: 3 });
    expect(folds.map((f) => f.validation.length)).toEqual([4, 3, 3]);
    expect(Array.from(folds[1].validation)).toEqual([4, 5, 6]);
    expect(Array.from(folds[1].train)).toEqual([0, 1, 2, 3, 7, 8, 9]);
    expect(sorted(folds.flatMap((f) => Array.from(f.validation)))).toEqual(range(10));
    for (const f of folds) expect(sorted([...f.train, ...f.validation])).toEqual(range(10));
    const shuffled = kFold(10, { k: 5, shuffle: true, seed: 2 });
    expect(sorted(shuffled.flatMap((f) => Array.from(f.validation)))).toEqual(range(10));
    expect(Array.from(shuffled[0].validation)).not.toEqual([0, 1]);
    expect(() => kFold(10, { k: 1 })).toThrow(ConfigError);
    expect(() => kFold(3, { k: 4 })).toThrow(DataError);
  });

  it('iterated K-fold reshuffles each repetition, repeatably', () => {
    const folds = iteratedKFold(12, { k: 3, repeats: 2, seed: 9 });
    expect(folds).toHaveLength(6);
    expect(folds.map((f) => f.repeat)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(folds[0].validation)).not.toEqual(Array.from(folds[3].validation));
    for (const r of [0, 1]) {
      expect(sorted(folds.filter((f) => f.repeat === r).flatMap((f) => Array.from(f.validation)))).toEqual(
        range(12),
      );
    }
    expect(iteratedKFold(12, { k: 3, repeats: 2, seed: 9 })).toEqual(folds);
  });

  it('time-series folds train on the past and validate on the following block, never shuffled', () => {
    const folds = timeSeriesSplit(12, { splits: 3, gap: 1 });
    expect(folds.map((f) => [Array.from(f.train), Array.from(f.validation)])).toEqual([
      [range(2), [3, 4, 5]],
      [range(5), [6, 7, 8]],
      [range(8), [9, 10, 11]],
    ]);
    const sliding = timeSeriesSplit(12, { splits: 2, testSize: 2, maxTrainSize: 3 });
    expect(Array.from(sliding[1].train)).toEqual([7, 8, 9]);
    for (const f of folds) expect(Math.max(...f.train)).toBeLessThan(Math.min(...f.validation));
    expect(() => timeSeriesSplit(5, { splits: 5 })).toThrow(DataError);
  });

  it('time-series folds reject a fractional testSize and a maxTrainSize below 1', () => {
    expect(() => timeSeriesSplit(10, { splits: 2, testSize: 2.5 })).toThrow(ConfigError);
    expect(() => timeSeriesSplit(10, { splits: 2, testSize: 0 })).toThrow(ConfigError);
    for (const maxTrainSize of [-3, 0, 1.5])
      expect(() => timeSeriesSplit(10, { splits: 2, maxTrainSize })).toThrow(ConfigError);
  });
});

describe('takeRows and crossValidate', () => {
  it('takeRows gathers the same rows from every tensor', async () => {
    const xs = tf.tensor2d(range(10), [5, 2]);
    const ys = tf.tensor1d([0, 1, 2, 3, 4]);
    const part = takeRows({ xs, ys }, [4, 0]);
    expect(await part.xs.array()).toEqual([
      [8, 9],
      [0, 1],
    ]);
    expect(await part.ys.array()).toEqual([4, 0]);
    expect(() => takeRows({ xs, ys }, [5])).toThrow(DataError);
    // A fractional index is not a row (it was truncated to row 1).
    expect(() => takeRows({ xs, ys }, [1.5])).toThrow(DataError);
    tf.dispose([xs, ys, part.xs, part.ys]);
  });

  it('trains a fresh model per fold and reports the mean and spread of the scores, without leaks', async () => {
    // y = 3 x + 1 with a little deterministic noise.
    const n = 40;
    const x = tf.tensor2d(
      range(n).map((i) => i / n),
      [n, 1],
    );
    const y = tf.tensor2d(
      range(n).map((i) => (3 * i) / n + 1 + 0.01 * Math.sin(i * 7)),
      [n, 1],
    );
    const before = tf.memory().numTensors;
    let models = 0;
    const seen: number[] = [];
    const result = await crossValidate({
      data: { xs: x, ys: y },
      folds: kFold(n, { k: 4, shuffle: true, seed: 1 }),
      createModel: () => {
        models++;
        return linearModel(1, 0.5);
      },
      fit: { epochs: 60, batchSize: 10, seed: 1 },
      onFold: (r) => {
        seen.push(r.fold);
      },
    });
    expect(models).toBe(4);
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(result.scores).toHaveLength(4);
    expect(result.mean).toBeCloseTo(result.scores.reduce((a, b) => a + b) / 4, 10);
    expect(result.mean).toBeLessThan(0.05);
    expect(result.std).toBeGreaterThan(0);
    expect(result.min).toBeLessThanOrEqual(result.max);
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      crossValidate({
        data: { xs: x, ys: y },
        folds: kFold(n, { k: 2 }),
        createModel: () => linearModel(1),
        metric: 'acc',
      }),
    ).rejects.toThrow(/no "acc"/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});

describe('crossValidate metric names', () => {
  it("scores 'acc' and 'accuracy' alike, whichever of the two the model logs (the docstring's example)", async () => {
    /** Fraction of predictions within 0.5 of the target, logged as `accuracy`. */
    const withinHalf = () => {
      let hits = 0;
      let total = 0;
      return {
        name: 'accuracy',
        update(yTrue: tf.Tensor, yPred: tf.Tensor) {
          const t = yTrue.dataSync();
          const p = yPred.dataSync();
          for (let i = 0; i < t.length; i++) hits += Math.abs(t[i] - p[i]) < 0.5 ? 1 : 0;
          total += t.length;
        },
        result: () => tf.scalar(total === 0 ? 0 : hits / total),
        reset() {
          hits = 0;
          total = 0;
        },
        dispose() {},
      };
    };
    const n = 20;
    const x = tf.tensor2d(
      range(n).map((i) => i / n),
      [n, 1],
    );
    const y = tf.tensor2d(
      range(n).map((i) => (2 * i) / n),
      [n, 1],
    );
    const before = tf.memory().numTensors;
    const run = (metric: string) =>
      crossValidate({
        data: { xs: x, ys: y },
        folds: kFold(n, { k: 2 }),
        createModel: () => {
          const model = linearModel(1, 0.5);
          model.compile({ optimizer: model.optimizer, loss: mse, metrics: [withinHalf] });
          return model;
        },
        fit: { epochs: 30, batchSize: 5, seed: 2 },
        metric,
      });
    const accuracy = await run('accuracy');
    const acc = await run('acc');
    expect(accuracy.scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(acc.scores).toEqual(accuracy.scores);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});

describe('findDuplicates', () => {
  it('reports test samples that also appear in training, and repeats within one set', async () => {
    const train = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [3, 4],
    ]);
    const test = tf.tensor2d([
      [5, 6],
      [7, 8],
      [3, 4],
      [0, -0],
    ]);
    const cross = await findDuplicates(train, test);
    expect(cross.duplicates).toEqual([0, 2]);
    expect(cross.count).toBe(2);
    expect(cross.pairs).toEqual([
      [2, 0],
      [1, 2],
      [3, 2],
    ]);
    const within = await findDuplicates(train);
    expect(within.pairs).toEqual([[1, 3]]);
    expect(within.duplicates).toEqual([3]);
    expect((await findDuplicates(tf.tensor2d([[0], [-0]]))).count).toBe(1);
    await expect(findDuplicates(train, tf.zeros([2, 3]))).rejects.toThrow(DataError);
    tf.dispose([train, test]);
  });

  it('compares int32 samples exactly, beyond float32 precision (2^24)', async () => {
    const ids = tf.tensor2d([[16777216], [16777217], [16777217]], [3, 1], 'int32');
    const report = await findDuplicates(ids);
    expect(report.pairs).toEqual([[1, 2]]);
    const other = tf.tensor2d([[16777217]], [1, 1], 'int32');
    expect((await findDuplicates(ids, other)).pairs).toEqual([
      [1, 0],
      [2, 0],
    ]);
    // int32 against float32: compared as float32 values, as before.
    const floats = tf.tensor2d([[1]]);
    expect((await findDuplicates(tf.tensor2d([[1]], [1, 1], 'int32'), floats)).count).toBe(1);
    tf.dispose([ids, other, floats]);
  });
});
