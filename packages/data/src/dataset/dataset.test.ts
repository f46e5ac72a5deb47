import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { leakedBy, useCpu } from '../test-utils/setup.js';
import { linearModel } from '../test-utils/toy-model.js';
import { Dataset } from './dataset.js';
import { batchesFromTensors, fromArray, fromGenerator, fromIterable, fromTensors } from './sources.js';

beforeAll(useCpu);

/** Reads every element of one pass as plain numbers, disposing the tensors. */
async function numbers(ds: Dataset<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const element of ds) {
    out.push(await plain(element));
  }
  return out;
}

async function plain(element: unknown): Promise<unknown> {
  if (element instanceof tf.Tensor) {
    const v = element.rank === 0 ? (await element.data())[0] : await element.array();
    element.dispose();
    return v;
  }
  if (Array.isArray(element)) return Promise.all(element.map(plain));
  if (element && typeof element === 'object') {
    return Object.fromEntries(
      await Promise.all(Object.entries(element).map(async ([k, v]) => [k, await plain(v)])),
    );
  }
  return element;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('sources', () => {
  it('fromTensors yields one slice per sample, as many times as it is iterated', async () => {
    const xs = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const ys = tf.tensor1d([10, 20, 30]);
    const ds = fromTensors({ xs, ys });
    expect(ds.size).toBe(3);
    const expected = [
      { xs: [1, 2], ys: 10 },
      { xs: [3, 4], ys: 20 },
      { xs: [5, 6], ys: 30 },
    ];
    expect(await leakedBy(async () => expect(await numbers(ds)).toEqual(expected))).toBe(0);
    expect(await numbers(ds)).toEqual(expected);
    tf.dispose([xs, ys]);
  });

  it('fromTensors rejects tensors with different sample counts', () => {
    const a = tf.zeros([3, 2]);
    const b = tf.zeros([4]);
    expect(() => fromTensors({ a, b })).toThrow(DataError);
    expect(() => fromTensors({ a, b })).toThrow(/3 and 4 samples/);
    tf.dispose([a, b]);
  });

  it('fromArray hands out fresh tensor handles on every pass', async () => {
    const t = tf.scalar(7);
    const ds = fromArray([t, t]);
    expect(await numbers(ds)).toEqual([7, 7]);
    expect(t.isDisposed).toBe(false);
    expect(await numbers(ds)).toEqual([7, 7]);
    t.dispose();
  });

  it('fromGenerator calls the generator again on each pass (sync and async)', async () => {
    let calls = 0;
    const ds = fromGenerator(function* () {
      calls++;
      yield* [1, 2, 3];
    });
    expect(await numbers(ds)).toEqual([1, 2, 3]);
    expect(await numbers(ds)).toEqual([1, 2, 3]);
    expect(calls).toBe(2);
    const asyncDs = fromGenerator(async function* () {
      yield 'a';
      await new Promise((r) => setTimeout(r, 1));
      yield 'b';
    });
    expect(await numbers(asyncDs)).toEqual(['a', 'b']);
  });

  it('fromIterable reads arrays and async iterables, and rejects other things', async () => {
    expect(await numbers(fromIterable([1, 2]))).toEqual([1, 2]);
    expect(fromIterable([1, 2]).size).toBe(2);
    const asyncIterable = {
      async *[Symbol.asyncIterator]() {
        yield 5;
        yield 6;
      },
    };
    expect(await numbers(fromIterable(asyncIterable))).toEqual([5, 6]);
    expect(() => fromIterable(42 as unknown as number[])).toThrow(ConfigError);
  });
});

describe('operators', () => {
  it('map, filter, take and skip compose lazily, with sizes where known', async () => {
    const ds = fromArray(range(10))
      .map((x) => x * 2)
      .filter((x) => x % 3 !== 0)
      .skip(1)
      .take(3);
    expect(await numbers(ds)).toEqual([4, 8, 10]);
    expect(fromArray(range(10)).skip(3).size).toBe(7);
    expect(fromArray(range(10)).take(3).size).toBe(3);
    expect(fromArray(range(10)).filter(() => true).size).toBeNull();
  });

  it('map frees the temporaries and the input tensors it does not return', async () => {
    const ds = fromGenerator(function* () {
      for (let i = 0; i < 5; i++) yield { a: tf.scalar(i), b: tf.scalar(10 * i) };
    }).map(({ a, b }) => ({ sum: tf.add(tf.mul(a, 2), b), b }));
    const leaked = await leakedBy(async () => {
      expect(await numbers(ds)).toEqual(range(5).map((i) => ({ sum: 12 * i, b: 10 * i })));
    });
    expect(leaked).toBe(0);
  });

  it('mapAsync awaits its function', async () => {
    const ds = fromArray([1, 2, 3]).mapAsync(async (x) => {
      await new Promise((r) => setTimeout(r, 1));
      return tf.scalar(x * x);
    });
    expect(await numbers(ds)).toEqual([1, 4, 9]);
  });

  it('an error in map propagates and frees the element', async () => {
    const ds = fromGenerator(function* () {
      yield tf.scalar(1);
    }).map(() => {
      throw new Error('boom');
    });
    const leaked = await leakedBy(async () => {
      await expect(numbers(ds)).rejects.toThrow('boom');
    });
    expect(leaked).toBe(0);
  });

  it('an error in mapAsync or in a filter predicate propagates and frees the element', async () => {
    const source = () =>
      fromGenerator(function* () {
        yield tf.scalar(1);
      });
    const failing = [
      source().mapAsync(async () => {
        throw new Error('boom');
      }),
      source().filter(async () => {
        throw new Error('boom');
      }),
      source().filter(() => {
        throw new Error('boom');
      }),
    ];
    for (const ds of failing) {
      const leaked = await leakedBy(async () => {
        await expect(numbers(ds)).rejects.toThrow('boom');
      });
      expect(leaked).toBe(0);
    }
  });

  it('map given an async function says to use mapAsync, and frees the element', async () => {
    const ds = fromGenerator(function* () {
      yield tf.scalar(1);
    }).map(async (x) => tf.mul(x, 2));
    const leaked = await leakedBy(async () => {
      await expect(numbers(ds)).rejects.toThrow(ConfigError);
      await expect(numbers(ds)).rejects.toThrow(/mapAsync/);
    });
    expect(leaked).toBe(0);
  });

  it('batch stacks tensors and numbers, with and without the remainder', async () => {
    const ds = fromArray(range(5)).map((i) => ({ xs: tf.tensor1d([i, -i]), ys: i }));
    const batches = await numbers(ds.batch(2));
    expect(batches).toEqual([
      {
        xs: [
          [0, -0],
          [1, -1],
        ],
        ys: [0, 1],
      },
      {
        xs: [
          [2, -2],
          [3, -3],
        ],
        ys: [2, 3],
      },
      { xs: [[4, -4]], ys: [4] },
    ]);
    expect(ds.batch(2).size).toBe(3);
    expect(ds.batch(2, { dropRemainder: true }).size).toBe(2);
    expect((await numbers(ds.batch(2, { dropRemainder: true }))).length).toBe(2);
  });

  it('batch rejects elements whose shapes differ, naming the fix', async () => {
    const ds = fromArray([1, 2])
      .map((n) => tf.zeros([n]))
      .batch(2);
    const leaked = await leakedBy(async () => {
      await expect(numbers(ds)).rejects.toThrow(DataError);
    });
    expect(leaked).toBe(0);
    await expect(numbers(ds)).rejects.toThrow(/pad the elements/);
  });

  it('shuffle: same seed same order, each pass a new order, every element exactly once', async () => {
    const a = await numbers(fromArray(range(50)).shuffle(50, 7));
    const b = await numbers(fromArray(range(50)).shuffle(50, 7));
    const c = await numbers(fromArray(range(50)).shuffle(50, 8));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect([...(a as number[])].sort((x, y) => x - y)).toEqual(range(50));
    expect(a).not.toEqual(range(50));
    const ds = fromArray(range(50)).shuffle(50, 7);
    const pass1 = await numbers(ds);
    const pass2 = await numbers(ds);
    expect(pass1).toEqual(a);
    expect(pass2).not.toEqual(pass1);
    const fixed = fromArray(range(50)).shuffle(50, 7, { reshuffleEachIteration: false });
    expect(await numbers(fixed)).toEqual(await numbers(fixed));
  });

  it('a small shuffle buffer only mixes nearby elements', async () => {
    const out = (await numbers(fromArray(range(200)).shuffle(4, 1))) as number[];
    // With a buffer of 4, element i can come out no earlier than position i - 3.
    for (const [position, v] of out.entries()) expect(v).toBeLessThanOrEqual(position + 3);
    expect([...out].sort((x, y) => x - y)).toEqual(range(200));
  });

  it('repeat, concatenate and zip', async () => {
    expect(await numbers(fromArray([1, 2]).repeat(3))).toEqual([1, 2, 1, 2, 1, 2]);
    expect(fromArray([1, 2]).repeat(3).size).toBe(6);
    expect(fromArray([1, 2]).repeat().size).toBeNull();
    expect(await numbers(fromArray([1, 2]).repeat().take(5))).toEqual([1, 2, 1, 2, 1]);
    expect(await numbers(fromArray([]).repeat())).toEqual([]);
    expect(await numbers(fromArray([1, 2]).concatenate(fromArray([3])))).toEqual([1, 2, 3]);
    expect(await numbers(fromArray([1, 2, 3]).zip(fromArray(['a', 'b'])))).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    const zipped = Dataset.zip({
      xs: fromArray([1, 2]).map((x) => tf.scalar(x)),
      ys: fromArray([3, 4, 5]).map((x) => tf.scalar(x)),
    });
    expect(zipped.size).toBe(2);
    const leaked = await leakedBy(async () => {
      expect(await numbers(zipped)).toEqual([
        { xs: 1, ys: 3 },
        { xs: 2, ys: 4 },
      ]);
    });
    expect(leaked).toBe(0);
  });

  it('zip frees the elements of the other datasets when one of them fails', async () => {
    const good = fromGenerator(function* () {
      for (let i = 0; i < 3; i++) yield tf.scalar(i);
    });
    const failing = fromGenerator(async function* () {
      yield tf.scalar(10);
      throw new DataError('broken source');
    });
    const leaked = await leakedBy(async () => {
      await expect(Dataset.zip([good, failing]).forEach(() => {})).rejects.toThrow('broken source');
      await expect(Dataset.zip({ a: failing, b: good }).toArray()).rejects.toThrow('broken source');
    });
    expect(leaked).toBe(0);
  });

  it('prefetch keeps order and frees what it read ahead when the consumer stops', async () => {
    const ds = fromArray(range(20))
      .map((x) => tf.scalar(x))
      .prefetch(3);
    expect(await numbers(ds)).toEqual(range(20));
    const leaked = await leakedBy(async () => {
      for await (const t of ds) {
        t.dispose();
        break;
      }
    });
    expect(leaked).toBe(0);
  });

  it('cache runs the source once and serves copies that survive the consumer disposing them', async () => {
    let calls = 0;
    const ds = fromGenerator(function* () {
      calls++;
      for (let i = 0; i < 3; i++) yield tf.scalar(i);
    }).cache();
    expect(await numbers(ds)).toEqual([0, 1, 2]);
    expect(await numbers(ds)).toEqual([0, 1, 2]);
    expect(await numbers(ds)).toEqual([0, 1, 2]);
    expect(calls).toBe(1);
    const before = tf.memory().numTensors;
    ds.dispose();
    expect(tf.memory().numTensors).toBe(before - 3);
    expect(await numbers(ds)).toEqual([0, 1, 2]);
    expect(calls).toBe(2);
    ds.dispose();
  });

  it('a cache pass that stops early caches nothing and leaks nothing', async () => {
    let calls = 0;
    const ds = fromGenerator(function* () {
      calls++;
      for (let i = 0; i < 3; i++) yield tf.scalar(i);
    }).cache();
    const leaked = await leakedBy(async () => {
      expect(await numbers(ds.take(2))).toEqual([0, 1]);
    });
    expect(leaked).toBe(0);
    expect(await numbers(ds)).toEqual([0, 1, 2]);
    expect(calls).toBe(2);
    ds.dispose();
  });

  it('rejects bad arguments with a ConfigError', () => {
    const ds = fromArray([1]);
    expect(() => ds.batch(0)).toThrow(ConfigError);
    expect(() => ds.shuffle(0)).toThrow(ConfigError);
    expect(() => ds.prefetch(-1)).toThrow(ConfigError);
    expect(() => ds.take(1.5)).toThrow(ConfigError);
    expect(() => ds.concatenate([2] as unknown as Dataset<number>)).toThrow(ConfigError);
    for (const size of [-1, 1.5, Number.NaN])
      expect(() => fromGenerator(function* () {}, { size })).toThrow(ConfigError);
    expect(fromGenerator(function* () {}, { size: 0 }).size).toBe(0);
  });
});

describe('memory', () => {
  it('streams far more data than its buffers hold, with memory bounded by the buffers', async () => {
    const elements = 3000;
    const shuffleBuffer = 64;
    const batchSize = 16;
    const ds = fromGenerator(function* () {
      for (let i = 0; i < elements; i++) yield { xs: tf.fill([8], i), ys: tf.scalar(i % 2) };
    })
      .map(({ xs, ys }) => ({ xs: tf.mul(xs, 2), ys }))
      .shuffle(shuffleBuffer, 3)
      .batch(batchSize)
      .prefetch(2);
    const baseline = tf.memory().numTensors;
    let peak = 0;
    let seen = 0;
    let sum = 0;
    for await (const { xs, ys } of ds) {
      peak = Math.max(peak, tf.memory().numTensors - baseline);
      seen += xs.shape[0];
      const total = tf.sum(xs);
      sum += (await total.data())[0];
      tf.dispose([xs, ys, total]);
    }
    expect(seen).toBe(elements);
    expect(sum).toBe(((elements * (elements - 1)) / 2) * 2 * 8);
    // Two tensors per element: the shuffle buffer, one batch being assembled, and prefetched batches.
    const bound = 2 * (shuffleBuffer + batchSize) + 2 * 4 + 8;
    expect(peak).toBeLessThanOrEqual(bound);
    expect(peak).toBeLessThan(2 * elements);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('breaking out of a shuffled, batched pass frees the buffers', async () => {
    const ds = fromArray(range(100))
      .map((i) => tf.scalar(i))
      .shuffle(30, 1)
      .batch(4);
    const leaked = await leakedBy(async () => {
      let n = 0;
      for await (const batch of ds) {
        batch.dispose();
        if (++n === 3) break;
      }
    });
    expect(leaked).toBe(0);
  });
});

describe('with fit', () => {
  it('a batched dataset of {xs, ys} trains a model directly, over several epochs, without leaks', async () => {
    // y = 2 x0 - x1 + 1
    const n = 64;
    const xsData = Array.from({ length: n * 2 }, (_, i) => Math.sin(i));
    const x = tf.tensor2d(xsData, [n, 2]);
    const y = tf.tidy(() => tf.add(tf.matMul(x, tf.tensor2d([2, -1], [2, 1])), 1));
    const model = linearModel(2, 0.2);
    const ds = fromTensors({ xs: x, ys: y }).shuffle(n, 1).batch(16);
    const first = await model.fit(ds, { epochs: 1 });
    const before = tf.memory().numTensors;
    const history = await model.fit(ds, { epochs: 30 });
    expect(tf.memory().numTensors).toBe(before);
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan((first.history.loss as number[])[0] / 20);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('batchesFromTensors: seeded full shuffles per pass, all samples, usable by fit', async () => {
    const x = tf.tensor2d(range(20), [20, 1]);
    const ds = batchesFromTensors({ xs: x, ys: x }, { batchSize: 6, seed: 4 });
    expect(ds.size).toBe(4);
    const pass1 = (await numbers(ds)) as Array<{ xs: number[][]; ys: number[][] }>;
    const pass2 = (await numbers(ds)) as Array<{ xs: number[][]; ys: number[][] }>;
    const flat = (p: typeof pass1) => p.flatMap((b) => b.xs.map((r) => r[0]));
    expect(pass1.map((b) => b.xs.length)).toEqual([6, 6, 6, 2]);
    expect([...flat(pass1)].sort((a, b) => a - b)).toEqual(range(20));
    expect(flat(pass1)).not.toEqual(flat(pass2));
    for (const b of pass1) expect(b.xs).toEqual(b.ys);
    const again = (await numbers(
      batchesFromTensors({ xs: x, ys: x }, { batchSize: 6, seed: 4 }),
    )) as typeof pass1;
    expect(flat(again)).toEqual(flat(pass1));
    const ordered = (await numbers(
      batchesFromTensors(x, { batchSize: 8, shuffle: false, dropRemainder: true }),
    )) as number[][][];
    expect(ordered.flat().map((r) => r[0])).toEqual(range(16));
    const model = linearModel(1);
    const history = await model.fit(ds, { epochs: 2 });
    expect(history.history.loss).toHaveLength(2);
    model.dispose();
    x.dispose();
  });
});
