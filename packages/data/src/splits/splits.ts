/**
 * Evaluation protocols (Chollet, "Deep Learning with Python", ch. 4): simple hold-out, K-fold,
 * iterated K-fold with shuffling, and time-ordered splits that never shuffle ("arrow of time").
 * Splits are index arrays, so one split can be applied to several tensors (see {@link takeRows}).
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError, Random, seedOrNext } from '@tensorfold/core';
import { mapLeaves } from '../dataset/element.js';
import { type Sliced, sampleCount, type TensorTree } from '../dataset/sources.js';

/** Sample indices of a hold-out split. `validation` is empty unless asked for. */
export interface HoldOutSplit {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** One fold of a K-fold protocol. */
export interface Fold {
  /** Indices to train on. */
  train: Int32Array;
  /** Indices to evaluate on. */
  validation: Int32Array;
  /** Fold number, 0-based. */
  fold: number;
  /** Repetition number (iterated K-fold), 0-based. */
  repeat: number;
}

/** Options of {@link holdOut}. */
export interface HoldOutOptions {
  /** Fraction (0-1) of samples for the test set. Default 0.2. */
  testFraction?: number;
  /** Fraction (0-1) of samples for a validation set. Default 0. */
  validationFraction?: number;
  /** Shuffle before splitting (so that each set is representative). Default `true`. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default: from core's `setSeed` generator. */
  seed?: number;
  /** Class id per sample: keep the class proportions in every set (implies shuffling within classes). */
  stratify?: ArrayLike<number>;
}

function checkCount(count: number): void {
  if (!(Number.isInteger(count) && count >= 2))
    throw new DataError(`Splitting needs at least 2 samples, got ${count}.`);
}

function checkFraction(value: number, name: string): void {
  if (!(value >= 0 && value < 1)) throw new ConfigError(`${name} must be in [0, 1), got ${value}.`);
}

/**
 * Simple hold-out validation: sets apart a fraction of the samples for testing (and optionally for
 * validation). Shuffles first by default; pass `shuffle: false` for data in time order, where the
 * test set must be the most recent samples.
 *
 * @throws DataError when a set would be empty: training, test (when `testFraction > 0`) or validation
 *   (when `validationFraction > 0`), also after rounding per class with `stratify`.
 * @example
 * const { train, test } = holdOut(1000, { testFraction: 0.2, seed: 1 });
 * const trainX = takeRows(x, train);
 */
export function holdOut(count: number, options: HoldOutOptions = {}): HoldOutSplit {
  checkCount(count);
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0;
  checkFraction(testFraction, 'testFraction');
  checkFraction(validationFraction, 'validationFraction');
  if (testFraction + validationFraction >= 1)
    throw new ConfigError(
      `testFraction + validationFraction must be below 1, got ${testFraction + validationFraction}.`,
    );
  const rng = new Random(seedOrNext(options.seed));
  if (options.stratify) {
    const split = stratifiedHoldOut(count, options.stratify, testFraction, validationFraction, rng);
    checkSetSizes(count, split, testFraction, validationFraction, ' (rounded per class when stratifying)');
    return split;
  }
  const order =
    options.shuffle === false ? Int32Array.from({ length: count }, (_, i) => i) : rng.permutation(count);
  const testCount = Math.round(count * testFraction);
  const validationCount = Math.round(count * validationFraction);
  const trainCount = count - testCount - validationCount;
  const split = {
    train: order.slice(0, trainCount),
    validation: order.slice(trainCount, trainCount + validationCount),
    test: order.slice(trainCount + validationCount),
  };
  checkSetSizes(count, split, testFraction, validationFraction, '');
  return split;
}

/** Every set has a sample: training always, test and validation when their fraction is above 0. */
function checkSetSizes(
  count: number,
  split: HoldOutSplit,
  testFraction: number,
  validationFraction: number,
  how: string,
): void {
  const sizes = `${split.train.length} for training, ${split.validation.length} for validation and ${split.test.length} for testing${how}`;
  if (split.train.length < 1 || (testFraction > 0 && split.test.length < 1))
    throw new DataError(
      `Splitting ${count} samples with testFraction ${testFraction} leaves ${sizes}; training and testing need at least one each: raise testFraction or use more samples.`,
    );
  if (validationFraction > 0 && split.validation.length < 1)
    throw new DataError(
      `Splitting ${count} samples with validationFraction ${validationFraction} leaves ${sizes}; raise validationFraction (or set it to 0).`,
    );
}

function stratifiedHoldOut(
  count: number,
  labels: ArrayLike<number>,
  testFraction: number,
  validationFraction: number,
  rng: Random,
): HoldOutSplit {
  if (labels.length !== count)
    throw new DataError(`stratify has ${labels.length} labels for ${count} samples.`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  const classes = [...byClass.keys()]
    .sort((a, b) => a - b)
    .map((key) => rng.shuffle(byClass.get(key) as number[]));
  // The set sizes are those of an unstratified split; each class gets its share of them.
  const sizes = classes.map((members) => members.length);
  const testPer = shares(sizes, Math.round(count * testFraction), sizes);
  const validationPer = shares(
    sizes,
    Math.round(count * validationFraction),
    sizes.map((n, c) => n - testPer[c]),
  );
  classes.forEach((members, c) => {
    const t = testPer[c];
    const v = validationPer[c];
    test.push(...members.slice(0, t));
    validation.push(...members.slice(t, t + v));
    train.push(...members.slice(t + v));
  });
  return {
    train: rng.shuffle(Int32Array.from(train)),
    validation: rng.shuffle(Int32Array.from(validation)),
    test: rng.shuffle(Int32Array.from(test)),
  };
}

/**
 * Splits `total` samples among classes in proportion to their `sizes` (largest remainders first,
 * ties to the lower class), giving no class more than its `caps` entry.
 */
function shares(sizes: readonly number[], total: number, caps: readonly number[]): number[] {
  const count = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((n) => (n * total) / count);
  const out = exact.map((q, c) => Math.min(Math.floor(q), caps[c]));
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((_, c) => c).sort((a, b) => exact[b] - out[b] - (exact[a] - out[a]) || a - b);
  while (left > 0) {
    const c = byRemainder.find((k) => out[k] < caps[k]);
    if (c === undefined) break;
    out[c]++;
    left--;
    byRemainder.push(...byRemainder.splice(byRemainder.indexOf(c), 1)); // one extra each before seconds
  }
  return out;
}

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Number of folds (>= 2). Default 5. */
  k?: number;
  /** Shuffle the samples before cutting the folds. Default `false`. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default: from core's `setSeed` generator. */
  seed?: number;
}

/**
 * K-fold validation: cuts the samples into `k` partitions of (nearly) equal size; fold `i` validates
 * on partition `i` and trains on the others. Average the `k` scores (see {@link crossValidate}).
 */
export function kFold(count: number, options: KFoldOptions = {}): Fold[] {
  return foldsOf(
    count,
    options.k ?? 5,
    options.shuffle ? new Random(seedOrNext(options.seed)).permutation(count) : null,
    0,
  );
}

/** Options of {@link iteratedKFold}. */
export interface IteratedKFoldOptions {
  /** Number of folds per repetition (>= 2). Default 5. */
  k?: number;
  /** How many times K-fold runs, each on a new shuffle. Default 3. */
  repeats?: number;
  /** Seed of the shuffles; repetition `r` uses a generator derived from `(seed, r)`. Default: from core's `setSeed` generator. */
  seed?: number;
}

/**
 * Iterated K-fold with shuffling, for very little data: K-fold `repeats` times, shuffling before each
 * one; the final score is the average over all `k * repeats` folds.
 */
export function iteratedKFold(count: number, options: IteratedKFoldOptions = {}): Fold[] {
  const repeats = options.repeats ?? 3;
  if (!(Number.isInteger(repeats) && repeats >= 1))
    throw new ConfigError(`repeats must be an integer >= 1, got ${repeats}.`);
  const seed = seedOrNext(options.seed);
  const folds: Fold[] = [];
  for (let r = 0; r < repeats; r++)
    folds.push(...foldsOf(count, options.k ?? 5, Random.derive(seed, r).permutation(count), r));
  return folds;
}

function foldsOf(count: number, k: number, order: Int32Array | null, repeat: number): Fold[] {
  checkCount(count);
  if (!(Number.isInteger(k) && k >= 2)) throw new ConfigError(`k must be an integer >= 2, got ${k}.`);
  if (k > count) throw new DataError(`k = ${k} folds need at least ${k} samples, got ${count}.`);
  const indices = order ?? Int32Array.from({ length: count }, (_, i) => i);
  const base = Math.floor(count / k);
  const extra = count % k;
  const folds: Fold[] = [];
  let start = 0;
  for (let fold = 0; fold < k; fold++) {
    const size = base + (fold < extra ? 1 : 0);
    const validation = indices.slice(start, start + size);
    const train = new Int32Array(count - size);
    train.set(indices.subarray(0, start));
    train.set(indices.subarray(start + size), start);
    folds.push({ train, validation, fold, repeat });
    start += size;
  }
  return folds;
}

/** Options of {@link timeSeriesSplit}. */
export interface TimeSeriesSplitOptions {
  /** Number of folds. Default 5. */
  splits?: number;
  /** Samples per validation block. Default `floor(count / (splits + 1))`. */
  testSize?: number;
  /** Samples left out between training and validation (so windows do not leak). Default 0. */
  gap?: number;
  /** Keep at most this many of the latest training samples (a sliding instead of growing window). Default: all. */
  maxTrainSize?: number;
}

/**
 * Forward-chaining splits for time series: every fold trains on the past and validates on the block
 * that follows it, in time order. Nothing is ever shuffled.
 */
export function timeSeriesSplit(count: number, options: TimeSeriesSplitOptions = {}): Fold[] {
  checkCount(count);
  const splits = options.splits ?? 5;
  const gap = options.gap ?? 0;
  if (!(Number.isInteger(splits) && splits >= 1))
    throw new ConfigError(`splits must be an integer >= 1, got ${splits}.`);
  if (!(Number.isInteger(gap) && gap >= 0)) throw new ConfigError(`gap must be an integer >= 0, got ${gap}.`);
  if (options.testSize !== undefined && !(Number.isInteger(options.testSize) && options.testSize >= 1))
    throw new ConfigError(`testSize must be an integer >= 1, got ${options.testSize}.`);
  const maxTrainSize = options.maxTrainSize;
  if (maxTrainSize !== undefined && !(Number.isInteger(maxTrainSize) && maxTrainSize >= 1))
    throw new ConfigError(`maxTrainSize must be an integer >= 1 (or left out for all), got ${maxTrainSize}.`);
  const testSize = options.testSize ?? Math.floor(count / (splits + 1));
  const firstTest = count - splits * testSize;
  if (testSize < 1 || firstTest - gap < 1) {
    throw new DataError(
      `${count} samples are too few for ${splits} time-ordered folds of ${testSize} with a gap of ${gap}; lower splits, testSize or gap.`,
    );
  }
  const folds: Fold[] = [];
  for (let fold = 0; fold < splits; fold++) {
    const testStart = firstTest + fold * testSize;
    const trainEnd = testStart - gap;
    const trainStart = maxTrainSize === undefined ? 0 : Math.max(0, trainEnd - maxTrainSize);
    folds.push({
      train: Int32Array.from({ length: trainEnd - trainStart }, (_, i) => trainStart + i),
      validation: Int32Array.from({ length: testSize }, (_, i) => testStart + i),
      fold,
      repeat: 0,
    });
  }
  return folds;
}

/**
 * A time-ordered hold-out: the first samples train, the latest are held out (validation, then
 * test). Never shuffles, so the model is always evaluated on the future.
 */
export function timeOrderedSplit(
  count: number,
  options: Omit<HoldOutOptions, 'shuffle' | 'seed' | 'stratify'> = {},
): HoldOutSplit {
  return holdOut(count, { ...options, shuffle: false, seed: 0 });
}

/**
 * The rows of every tensor in `data` at `indices` (new tensors, in the order of `indices`).
 * @throws DataError when an index is out of range.
 */
export function takeRows<T extends TensorTree>(data: T, indices: ArrayLike<number>): Sliced<T> {
  const count = sampleCount(data);
  for (let i = 0; i < indices.length; i++) {
    if (!(Number.isInteger(indices[i]) && indices[i] >= 0 && indices[i] < count))
      throw new DataError(
        `Row index ${indices[i]} is not a row of the ${count} samples (integers 0..${count - 1}).`,
      );
  }
  const rows: unknown = tf.tidy(() => {
    const index = tf.tensor1d(Int32Array.from(indices), 'int32');
    return mapLeaves(data, (t) => tf.gather(t as tf.Tensor, index)) as tf.TensorContainer;
  });
  return rows as Sliced<T>;
}
