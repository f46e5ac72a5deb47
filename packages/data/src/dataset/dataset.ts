/**
 * The lazy `Dataset`: a recipe for a stream of elements that is run again on every pass. Each operator
 * (`map`, `shuffle`, `batch`...) returns a new dataset; nothing is computed until someone iterates.
 *
 * Ownership: every element a dataset yields is new and belongs to the consumer, who disposes its
 * tensors (`fit` does this for each batch). Operators consume the elements they read: `batch`
 * disposes the elements it stacked, `map` disposes the input tensors its function did not return,
 * `filter` and `skip` dispose what they drop. Memory therefore stays bounded by the buffers
 * (`shuffle`'s buffer, `batch`'s size, `prefetch`'s depth), whatever the size of the data.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, Random, seedOrNext } from '@tensorfold/core';
import { cloneElement, disposeConsumed, disposeElement, isPlainObject } from './element.js';
import { type Batched, stackElements } from './stack.js';

/** Options of {@link Dataset.batch}. */
export interface BatchOptions {
  /** Drop the last, smaller batch when the data does not divide evenly. Default `false`. */
  dropRemainder?: boolean;
}

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /**
   * Draw a new order on every pass (pass `k` uses a generator derived from `(seed, k)`, so a run is
   * still repeatable). `false` gives the same order on every pass. Default `true`.
   */
  reshuffleEachIteration?: boolean;
}

/** What zipping datasets yields: a tuple for an array of datasets, an object for an object of them. */
export type Zipped<D> = { [K in keyof D]: D[K] extends Dataset<infer E> ? E : never };

/**
 * A lazy, repeatable stream of elements, usable directly by `model.fit` when its elements are
 * `{xs, ys}` batches. Build one with {@link fromTensors}, {@link fromArray}, {@link fromGenerator} or
 * {@link fromIterable}.
 *
 * @example
 * const train = fromTensors({ xs, ys }).shuffle(1000, 42).batch(32).prefetch(2);
 * await model.fit(train, { epochs: 5 });
 */
export class Dataset<T> implements AsyncIterable<T> {
  /**
   * Elements per pass when known (batches after `batch()`), `null` when unknown or infinite. `fit`
   * uses it for progress bars.
   */
  readonly size: number | null;
  private readonly open: () => AsyncIterator<T>;
  private readonly cleanups: ReadonlyArray<() => void>;

  /**
   * @param open Starts one pass: returns a fresh iterator each call.
   * @param size Elements per pass, or `null` when unknown.
   * @param cleanups What {@link Dataset.dispose} runs (caches of this dataset and those it reads).
   */
  constructor(
    open: () => AsyncIterator<T>,
    size: number | null = null,
    cleanups: ReadonlyArray<() => void> = [],
  ) {
    this.open = open;
    this.size = size === null || Number.isFinite(size) ? size : null;
    this.cleanups = cleanups;
  }

  /** Starts a pass over the data. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.open();
  }

  /** A dataset built on this one (keeps the cleanups of this one). */
  private derive<U>(open: () => AsyncIterator<U>, size: number | null, cleanup?: () => void): Dataset<U> {
    return new Dataset(open, size, cleanup ? [...this.cleanups, cleanup] : this.cleanups);
  }

  /**
   * Applies `fn` to each element, inside `tf.tidy` (so temporary tensors are freed). Tensors of the
   * input that `fn` does not return are disposed. For an async function use {@link Dataset.mapAsync}
   * (`map` raises a ConfigError when `fn` returns a Promise).
   */
  map<U>(fn: (element: T) => U): Dataset<U> {
    const upstream = this;
    return this.derive(async function* () {
      for await (const element of upstream) {
        let out: U;
        try {
          out = tf.tidy(() => {
            const result = fn(element);
            if (result instanceof Promise) {
              result.catch(() => {}); // its failure, if any, is replaced by this error
              throw new ConfigError(
                'map got a Promise: its function is async. Use mapAsync for async functions.',
              );
            }
            return result as tf.TensorContainer;
          }) as U;
        } catch (error) {
          disposeElement(element);
          throw error;
        }
        disposeConsumed(element, out);
        yield out;
      }
    }, this.size);
  }

  /**
   * Like {@link Dataset.map} for an async function (for example one that reads tensor values with
   * `await t.data()`). It does not run in `tidy`: `fn` disposes its own temporaries. Input tensors
   * that `fn` does not return are disposed.
   */
  mapAsync<U>(fn: (element: T) => Promise<U>): Dataset<U> {
    const upstream = this;
    return this.derive(async function* () {
      for await (const element of upstream) {
        const out = await disposingOnError(element, fn);
        disposeConsumed(element, out);
        yield out;
      }
    }, this.size);
  }

  /** Keeps the elements for which `predicate` is true (it may be async); the others are disposed. */
  filter(predicate: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    const upstream = this;
    return this.derive(async function* () {
      for await (const element of upstream) {
        const keep = await disposingOnError(element, predicate);
        if (keep) yield element;
        else disposeElement(element);
      }
    }, null);
  }

  /**
   * Shuffles with a buffer of `bufferSize` elements: the buffer is filled, then each step yields a
   * random buffered element and replaces it with the next one. A buffer at least as large as the
   * data gives a uniform shuffle; a smaller one mixes only nearby elements but bounds memory.
   *
   * @param bufferSize Elements held at once (>= 1).
   * @param seed Seed of the order. Default: drawn from core's `setSeed` generator when called.
   */
  shuffle(bufferSize: number, seed?: number, options: ShuffleOptions = {}): Dataset<T> {
    if (!(Number.isInteger(bufferSize) && bufferSize >= 1)) {
      throw new ConfigError(
        `shuffle(bufferSize) needs an integer >= 1, got ${bufferSize}; use the dataset size for a full shuffle.`,
      );
    }
    const base = seedOrNext(seed);
    const reshuffle = options.reshuffleEachIteration ?? true;
    let pass = 0;
    const upstream = this;
    return this.derive(async function* () {
      const rng = reshuffle ? Random.derive(base, pass++) : new Random(base);
      const buffer: T[] = [];
      try {
        for await (const element of upstream) {
          if (buffer.length < bufferSize) {
            buffer.push(element);
            continue;
          }
          const i = rng.int(bufferSize);
          const out = buffer[i];
          buffer[i] = element;
          yield out;
        }
        while (buffer.length > 0) {
          const i = rng.int(buffer.length);
          const out = buffer[i];
          buffer[i] = buffer[buffer.length - 1];
          buffer.pop();
          yield out;
        }
      } finally {
        for (const element of buffer) disposeElement(element);
      }
    }, this.size);
  }

  /**
   * Groups `batchSize` consecutive elements into one, stacking tensors along a new first axis
   * (numbers become a 1-D tensor). The stacked elements are disposed.
   */
  batch(batchSize: number, options: BatchOptions = {}): Dataset<Batched<T>> {
    if (!(Number.isInteger(batchSize) && batchSize >= 1))
      throw new ConfigError(`batch(batchSize) needs an integer >= 1, got ${batchSize}.`);
    const dropRemainder = options.dropRemainder ?? false;
    const upstream = this;
    const size =
      this.size === null
        ? null
        : dropRemainder
          ? Math.floor(this.size / batchSize)
          : Math.ceil(this.size / batchSize);
    return this.derive(async function* () {
      let pending: T[] = [];
      try {
        for await (const element of upstream) {
          pending.push(element);
          if (pending.length === batchSize) {
            const batch = stackElements(pending);
            const stacked = pending;
            pending = [];
            for (const e of stacked) disposeElement(e);
            yield batch;
          }
        }
        if (pending.length > 0 && !dropRemainder) {
          const batch = stackElements(pending);
          const stacked = pending;
          pending = [];
          for (const e of stacked) disposeElement(e);
          yield batch;
        }
      } finally {
        for (const e of pending) disposeElement(e);
      }
    }, size);
  }

  /**
   * Reads up to `depth` elements ahead while the consumer works on the current one, so that loading
   * and preprocessing overlap training. Holds at most `depth` extra elements.
   */
  prefetch(depth = 1): Dataset<T> {
    if (!(Number.isInteger(depth) && depth >= 1))
      throw new ConfigError(`prefetch(depth) needs an integer >= 1, got ${depth}.`);
    const upstream = this;
    return this.derive(async function* () {
      const iterator = upstream[Symbol.asyncIterator]();
      const queue: Array<Promise<IteratorResult<T>>> = [];
      const request = () => {
        const next = iterator.next();
        next.catch(() => {}); // the rejection is rethrown where the promise is awaited
        queue.push(next);
      };
      let finished = false;
      try {
        for (;;) {
          while (queue.length < depth + 1) request();
          const result = await (queue.shift() as Promise<IteratorResult<T>>);
          if (result.done) {
            finished = true;
            return;
          }
          yield result.value;
        }
      } finally {
        const settled = await Promise.allSettled(queue);
        for (const s of settled) if (s.status === 'fulfilled' && !s.value.done) disposeElement(s.value.value);
        if (!finished) await iterator.return?.();
      }
    }, this.size);
  }

  /** The first `count` elements. */
  take(count: number): Dataset<T> {
    checkCount(count, 'take');
    const upstream = this;
    return this.derive(
      async function* () {
        if (count === 0) return;
        let taken = 0;
        for await (const element of upstream) {
          yield element;
          if (++taken >= count) return;
        }
      },
      this.size === null ? null : Math.min(this.size, count),
    );
  }

  /** Everything after the first `count` elements (those are read and disposed). */
  skip(count: number): Dataset<T> {
    checkCount(count, 'skip');
    const upstream = this;
    return this.derive(
      async function* () {
        let skipped = 0;
        for await (const element of upstream) {
          if (skipped < count) {
            skipped++;
            disposeElement(element);
            continue;
          }
          yield element;
        }
      },
      this.size === null ? null : Math.max(0, this.size - count),
    );
  }

  /**
   * The data `count` times over (forever when `count` is omitted; then give `fit` a
   * `stepsPerEpoch`). Each repetition is a new pass, so a shuffled dataset is reshuffled.
   */
  repeat(count?: number): Dataset<T> {
    if (count !== undefined) checkCount(count, 'repeat');
    const upstream = this;
    const size = count === undefined ? null : this.size === null ? null : this.size * count;
    return this.derive(async function* () {
      for (let r = 0; count === undefined || r < count; r++) {
        let any = false;
        for await (const element of upstream) {
          any = true;
          yield element;
        }
        if (!any) return; // an empty dataset repeated forever is still empty
      }
    }, size);
  }

  /**
   * Keeps the elements of the first complete pass in memory and serves copies of them (new tensor
   * handles on the same data) on later passes, so expensive loading or preprocessing runs once. A
   * pass that stops early caches nothing. {@link Dataset.dispose} frees the cache.
   */
  cache(): Dataset<T> {
    let cached: T[] | null = null;
    const upstream = this;
    return this.derive(
      async function* () {
        if (cached) {
          for (const element of cached) yield cloneElement(element);
          return;
        }
        const building: T[] = [];
        let complete = false;
        try {
          for await (const element of upstream) {
            building.push(element);
            yield cloneElement(element);
          }
          complete = true;
        } finally {
          if (!complete || cached) for (const e of building) disposeElement(e);
          else cached = building;
        }
      },
      this.size,
      () => {
        for (const e of cached ?? []) disposeElement(e);
        cached = null;
      },
    );
  }

  /** This dataset's elements, then `other`'s. */
  concatenate(other: Dataset<T>): Dataset<T> {
    if (!(other instanceof Dataset))
      throw new ConfigError('concatenate needs a Dataset; wrap arrays with fromArray(items).');
    const upstream = this;
    const size = this.size === null || other.size === null ? null : this.size + other.size;
    return new Dataset(
      async function* () {
        yield* upstream;
        yield* other;
      },
      size,
      [...this.cleanups, ...other.cleanups],
    );
  }

  /** Pairs this dataset's elements with `other`'s: `[a, b]`, ending with the shorter one. */
  zip<U>(other: Dataset<U>): Dataset<[T, U]> {
    return Dataset.zip([this, other] as const) as unknown as Dataset<[T, U]>;
  }

  /**
   * Combines datasets element by element: an array of datasets gives tuples, an object of datasets
   * gives objects (`Dataset.zip({xs, ys})` yields `{xs, ys}`). Ends with the shortest dataset.
   */
  static zip<D extends readonly Dataset<unknown>[] | Record<string, Dataset<unknown>>>(
    datasets: D,
  ): Dataset<Zipped<D>> {
    const isArray = Array.isArray(datasets);
    if (!isArray && !isPlainObject(datasets))
      throw new ConfigError('Dataset.zip takes an array or an object of datasets.');
    const keys = Object.keys(datasets);
    const list = keys.map((k) => (datasets as Record<string, Dataset<unknown>>)[k]);
    if (list.length === 0 || list.some((d) => !(d instanceof Dataset)))
      throw new ConfigError('Dataset.zip needs at least one dataset, and only datasets.');
    const sizes = list.map((d) => d.size);
    const size = sizes.some((s) => s === null) ? null : Math.min(...(sizes as number[]));
    return new Dataset(
      async function* () {
        const iterators = list.map((d) => d[Symbol.asyncIterator]());
        try {
          for (;;) {
            const settled = await Promise.allSettled(iterators.map((it) => it.next()));
            const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
            const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
            if (failed) {
              // the other datasets' elements of this step are nobody's now
              for (const r of results) if (!r.done) disposeElement(r.value);
              throw failed.reason;
            }
            if (results.some((r) => r.done)) {
              for (const r of results) if (!r.done) disposeElement(r.value);
              return;
            }
            const values = results.map((r) => r.value);
            if (isArray) yield values as Zipped<D>;
            else yield Object.fromEntries(keys.map((k, i) => [k, values[i]])) as Zipped<D>;
          }
        } finally {
          await Promise.all(iterators.map((it) => it.return?.()));
        }
      },
      size,
      list.flatMap((d) => d.cleanups),
    );
  }

  /** Runs `fn` on every element of one pass, disposing each element's tensors after `fn` returns. */
  async forEach(fn: (element: T, index: number) => void | Promise<void>): Promise<void> {
    let index = 0;
    for await (const element of this) {
      try {
        await fn(element, index++);
      } finally {
        disposeElement(element);
      }
    }
  }

  /** All elements of one pass, in an array. The caller owns (and disposes) their tensors. */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    try {
      for await (const element of this) out.push(element);
    } catch (error) {
      for (const e of out) disposeElement(e);
      throw error;
    }
    return out;
  }

  /** Frees what this dataset holds between passes (the caches of `cache()` here and upstream). */
  dispose(): void {
    for (const cleanup of this.cleanups) cleanup();
  }
}

function checkCount(count: number, op: string): void {
  if (!(count >= 0 && (Number.isInteger(count) || count === Number.POSITIVE_INFINITY))) {
    throw new ConfigError(`${op}(count) needs an integer >= 0, got ${count}.`);
  }
}

/** `await fn(element)`; when it throws, `element`'s tensors are disposed before the error goes on. */
async function disposingOnError<T, U>(element: T, fn: (element: T) => U | Promise<U>): Promise<U> {
  try {
    return await fn(element);
  } catch (error) {
    disposeElement(element);
    throw error;
  }
}
