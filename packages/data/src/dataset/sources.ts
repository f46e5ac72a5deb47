/**
 * Where datasets come from: in-memory tensors, arrays, generator functions and (async) iterables.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError, Random, seedOrNext } from '@tensorfold/core';
import { Dataset } from './dataset.js';
import { cloneElement, mapLeaves, tensorsIn } from './element.js';

/** A tensor, or arrays and objects of them, all with the same first (sample) dimension. */
export type TensorTree = tf.Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree };

/** What {@link fromTensors} yields: the same structure, one sample per tensor. */
export type Sliced<T> = TensorTree extends T
  ? TensorTree
  : T extends tf.Tensor
    ? tf.Tensor
    : { -readonly [K in keyof T]: Sliced<T[K]> };

/** The common number of samples (first dimension) of every tensor in `data`. */
export function sampleCount(data: TensorTree, what = 'data'): number {
  const tensors = tensorsIn(data);
  if (tensors.length === 0)
    throw new DataError(`${what} holds no tensors; pass a tensor, or an array or object of tensors.`);
  const n = tensors[0].rank === 0 ? -1 : tensors[0].shape[0];
  for (const t of tensors) {
    if (t.rank === 0)
      throw new DataError(`${what} holds a scalar; every tensor needs a first (sample) dimension.`);
    if (t.shape[0] !== n) {
      throw new DataError(
        `${what} mixes tensors with ${n} and ${t.shape[0]} samples (first dimension); every tensor needs the same number of samples.`,
      );
    }
  }
  return n;
}

/**
 * A dataset of the samples (first-axis slices) of in-memory tensors: `fromTensors({xs, ys})` yields
 * `{xs: xs[i], ys: ys[i]}` for each `i`. The tensors are read, not owned: keep them alive while the
 * dataset is used and dispose them afterwards.
 *
 * @example
 * const ds = fromTensors({ xs: images, ys: labels }).shuffle(60000, 1).batch(64);
 */
export function fromTensors<T extends TensorTree>(data: T): Dataset<Sliced<T>> {
  const n = sampleCount(data);
  const open = async function* () {
    for (let i = 0; i < n; i++) {
      // gather, not slice: the WASM backend's slice copies the whole source tensor out of its heap each call.
      yield tf.tidy(() => {
        const index = tf.scalar(i, 'int32');
        return mapLeaves(data, (t) => tf.gather(t as tf.Tensor, index)) as tf.TensorContainer;
      });
    }
  };
  return new Dataset(open as () => AsyncIterator<Sliced<T>>, n);
}

/**
 * A dataset of the items of an array. Items may be numbers, typed arrays, tensors, or arrays and
 * objects of them; tensors are handed out as new handles (`tf.clone`) so every pass gets fresh ones.
 */
export function fromArray<T>(items: readonly T[]): Dataset<T> {
  if (!Array.isArray(items))
    throw new ConfigError('fromArray needs an array; for an iterable use fromIterable.');
  const copy = items.slice();
  return new Dataset(async function* () {
    for (const item of copy) yield cloneElement(item);
  }, copy.length);
}

/** Options of {@link fromGenerator}. */
export interface GeneratorOptions {
  /** Elements per pass when known (an integer >= 0, for progress bars). Default: unknown. */
  size?: number;
}

/**
 * A dataset from a generator function (sync or async) that is called again for every pass. Each
 * element it yields is handed to the consumer, who disposes it: yield new tensors every time.
 *
 * @example
 * const ds = fromGenerator(function* () { for (let i = 0; i < 100; i++) yield { xs: tf.scalar(i), ys: tf.scalar(2 * i) }; });
 */
export function fromGenerator<T>(
  generator: () => Iterator<T> | AsyncIterator<T> | Iterable<T> | AsyncIterable<T>,
  options: GeneratorOptions = {},
): Dataset<T> {
  if (typeof generator !== 'function')
    throw new ConfigError(
      'fromGenerator needs a function that returns an iterator (e.g. a generator function).',
    );
  const size = options.size ?? null;
  if (size !== null && !(Number.isInteger(size) && size >= 0))
    throw new ConfigError(`fromGenerator's size must be an integer >= 0 (elements per pass), got ${size}.`);
  return new Dataset(async function* () {
    yield* adapt(generator());
  }, size);
}

/**
 * A dataset over an iterable or async iterable. Each pass asks it for a new iterator, so arrays and
 * other re-iterable objects give every pass; a one-shot iterator (a generator object) gives one pass
 * only: wrap its generator function with {@link fromGenerator} instead.
 */
export function fromIterable<T>(iterable: Iterable<T> | AsyncIterable<T>): Dataset<T> {
  const isIterable =
    iterable != null &&
    (typeof (iterable as AsyncIterable<T>)[Symbol.asyncIterator] === 'function' ||
      typeof (iterable as Iterable<T>)[Symbol.iterator] === 'function');
  if (!isIterable) throw new ConfigError('fromIterable needs an iterable or async iterable.');
  return new Dataset(
    async function* () {
      yield* adapt(iterable);
    },
    Array.isArray(iterable) ? iterable.length : null,
  );
}

async function* adapt<T>(
  source: Iterator<T> | AsyncIterator<T> | Iterable<T> | AsyncIterable<T>,
): AsyncGenerator<T> {
  if (source == null) throw new DataError('The generator returned nothing; it must return an iterator.');
  if (typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
    yield* source as AsyncIterable<T>;
  } else if (typeof (source as Iterable<T>)[Symbol.iterator] === 'function') {
    yield* source as Iterable<T>;
  } else if (typeof (source as Iterator<T>).next === 'function') {
    const iterator = source as Iterator<T> | AsyncIterator<T>;
    let done = false;
    try {
      for (;;) {
        const r = await iterator.next();
        if (r.done) {
          done = true;
          return;
        }
        yield r.value;
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  } else {
    throw new DataError('The generator returned something that is not an iterator.');
  }
}

/** Options of {@link batchesFromTensors}. */
export interface TensorBatchOptions {
  /** Samples per batch. Default 32. */
  batchSize?: number;
  /** Shuffle the samples on every pass (a full, uniform shuffle). Default `true`. */
  shuffle?: boolean;
  /** Seed of the order; pass `k` uses a generator derived from `(seed, k)`. Default: from core's `setSeed` generator. */
  seed?: number;
  /** Drop the last, smaller batch. Default `false`. */
  dropRemainder?: boolean;
}

/**
 * Batches of in-memory tensors, shuffled uniformly on each pass: the fast path for data that fits in
 * memory (one `gather` per tensor per batch, no per-sample tensors). `fit` can use it directly.
 *
 * @example
 * const { xs, ys } = await loadMnist({ split: 'train' });
 * await model.fit(batchesFromTensors({ xs, ys }, { batchSize: 64, seed: 1 }), { epochs: 1 });
 */
export function batchesFromTensors<T extends TensorTree>(
  data: T,
  options: TensorBatchOptions = {},
): Dataset<Sliced<T>> {
  const n = sampleCount(data);
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new ConfigError(`batchSize must be an integer >= 1, got ${batchSize}.`);
  const shuffle = options.shuffle ?? true;
  const dropRemainder = options.dropRemainder ?? false;
  const seed = seedOrNext(options.seed);
  const batches = dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  let pass = 0;
  const open = async function* () {
    const order = shuffle ? Random.derive(seed, pass++).permutation(n) : null;
    for (let b = 0; b < batches; b++) {
      const start = b * batchSize;
      const size = Math.min(batchSize, n - start);
      yield tf.tidy(() => {
        // gather, not slice, even in order: the WASM backend's slice copies the whole source tensor.
        const rows =
          order === null
            ? Int32Array.from({ length: size }, (_, k) => start + k)
            : order.subarray(start, start + size);
        const index = tf.tensor1d(rows, 'int32');
        return mapLeaves(data, (t) => tf.gather(t as tf.Tensor, index)) as tf.TensorContainer;
      });
    }
  };
  return new Dataset(open as () => AsyncIterator<Sliced<T>>, batches);
}
