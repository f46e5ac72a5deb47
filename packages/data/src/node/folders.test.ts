import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_RECORD_BYTES } from '../loaders/cifar10.js';
import { useCpu } from '../test-utils/setup.js';
import { loadCifar10 } from './cifar10.js';
import { imageFolderDataset, loadImageFolder } from './image-folder.js';

let root: string;
beforeAll(async () => {
  await useCpu();
  root = await mkdtemp(join(tmpdir(), 'tensorfold-folders-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A solid-color PNG, with one marked pixel at (row 1, col 2). */
function png(width: number, height: number, color: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(color, i * 3);
  if (width > 2 && height > 1) data.set([1, 2, 3], (1 * width + 2) * 3);
  return encodePng({ width, height, data, channels: 3, depth: 8 });
}

function jpg(width: number, height: number, value: number): Uint8Array {
  const data = new Uint8Array(width * height * 4).fill(value);
  return new Uint8Array(jpeg.encode({ width, height, data }, 100).data);
}

async function makeFolder(name: string, files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

describe('image folders', () => {
  it('loads PNG and JPEG files with labels from sub-folder names, exact pixels for PNG', async () => {
    const dir = await makeFolder('ok', {
      'cat/b.png': png(4, 3, [255, 0, 0]),
      'cat/a.png': png(4, 3, [0, 255, 0]),
      'dog/x.jpeg': jpg(4, 3, 128),
      'dog/notes.txt': 'ignored',
    });
    const data = await loadImageFolder(dir);
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(data.labels)).toEqual([0, 0, 1]);
    expect(data.xs.shape).toEqual([3, 3, 4, 3]);
    const pixels = (await data.xs.array()) as number[][][][];
    expect(pixels[0][0][0]).toEqual([0, 1, 0]); // a.png sorts first: green
    expect(pixels[1][0][0]).toEqual([1, 0, 0]);
    expect(pixels[1][1][2].map((v) => Math.round(v * 255))).toEqual([1, 2, 3]);
    expect(Math.abs(pixels[2][0][0][0] - 128 / 255)).toBeLessThan(0.02);
    data.dispose();
    const gray = await loadImageFolder(dir, { channels: 1, size: [6, 8], limit: 2, oneHot: true });
    expect(gray.xs.shape).toEqual([2, 6, 8, 1]);
    expect(gray.ys.shape).toEqual([2, 2]);
    // The classes take turns under a limit: cat/a.png, then dog/x.jpeg (not cat's two files).
    expect(Array.from(gray.labels)).toEqual([0, 1]);
    gray.dispose();
  });

  it('streams the same images lazily as a dataset', async () => {
    const dir = await makeFolder('lazy', {
      'a/1.png': png(2, 2, [10, 20, 30]),
      'b/1.png': png(2, 2, [40, 50, 60]),
    });
    const ds = await imageFolderDataset(dir);
    expect(ds.classNames).toEqual(['a', 'b']);
    const before = tf.memory().numTensors;
    const batches = await ds.batch(2).toArray();
    expect(batches[0].xs.shape).toEqual([2, 2, 2, 3]);
    expect(Array.from(await batches[0].ys.data())).toEqual([0, 1]);
    tf.dispose(batches.flatMap((b) => [b.xs, b.ys]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad folders and files with a DataError naming the file, allocating nothing', async () => {
    const before = tf.memory().numTensors;
    await expect(loadImageFolder(join(root, 'missing'))).rejects.toThrow(/missing does not exist/);
    const flat = await makeFolder('flat', { 'a.png': png(2, 2, [0, 0, 0]) });
    await expect(loadImageFolder(flat)).rejects.toThrow(/has no sub-folders/);
    const corrupt = await makeFolder('corrupt', {
      'a/1.png': png(2, 2, [0, 0, 0]),
      'a/2.png': 'not really a png',
    });
    await expect(loadImageFolder(corrupt)).rejects.toThrow(DataError);
    await expect(loadImageFolder(corrupt)).rejects.toThrow(/2\.png is neither a PNG nor a JPEG/);
    const sizes = await makeFolder('sizes', {
      'a/1.png': png(2, 2, [0, 0, 0]),
      'b/1.png': png(3, 3, [0, 0, 0]),
    });
    await expect(loadImageFolder(sizes)).rejects.toThrow(/is 3x3 but the first image is 2x2; pass size/);
    const empty = await makeFolder('empty', { 'a/1.png': png(2, 2, [0, 0, 0]), 'b/readme.txt': 'x' });
    await expect(loadImageFolder(empty)).rejects.toThrow(/b holds no/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses classNames that name a folder twice (its images would get two labels)', async () => {
    const dir = await makeFolder('twice', {
      'a/1.png': png(2, 2, [0, 0, 0]),
      'b/1.png': png(2, 2, [9, 9, 9]),
    });
    await expect(loadImageFolder(dir, { classNames: ['a', 'b', 'a'] })).rejects.toThrow(ConfigError);
    await expect(imageFolderDataset(dir, { classNames: ['b', 'b'] })).rejects.toThrow(/"b" twice/);
    const chosen = await loadImageFolder(dir, { classNames: ['b', 'a'] });
    expect(Array.from(chosen.labels)).toEqual([0, 1]);
    chosen.dispose();
  });
});

describe('CIFAR-10 binary', () => {
  /** `count` records; record r has label r % 10 and red plane pixel (1, 2) = 200. */
  function records(count: number, firstLabel = 0): Uint8Array {
    const bytes = new Uint8Array(count * CIFAR10_RECORD_BYTES);
    for (let r = 0; r < count; r++) {
      const at = r * CIFAR10_RECORD_BYTES;
      bytes[at] = (firstLabel + r) % 10;
      bytes[at + 1 + 1 * 32 + 2] = 200; // red plane
      bytes[at + 1 + 1024 + 5] = 100; // green plane, row 0 col 5
    }
    return bytes;
  }

  it('moves the channel planes to channels-last order and reads every train batch', async () => {
    const dir = await makeFolder('cifar', {
      'data_batch_1.bin': records(3),
      'data_batch_2.bin': records(2, 3),
      'data_batch_3.bin': records(1, 5),
      'data_batch_4.bin': records(1, 6),
      'data_batch_5.bin': records(1, 7),
      'test_batch.bin': records(2, 9),
    });
    const train = await loadCifar10(dir);
    expect(train.xs.shape).toEqual([8, 32, 32, 3]);
    expect(Array.from(train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(train.classNames[0]).toBe('airplane');
    const x = (await train.xs.array()) as number[][][][];
    expect(x[4][1][2]).toEqual([200 / 255, 0, 0].map((v) => Math.fround(v)));
    expect(x[4][0][5][1]).toBeCloseTo(100 / 255, 6);
    train.dispose();
    const test = await loadCifar10(dir, { split: 'test', limit: 1, oneHot: true });
    expect(test.ys.shape).toEqual([1, 10]);
    expect(Array.from(test.labels)).toEqual([9]);
    test.dispose();
    const limited = await loadCifar10(dir, { limit: 4 });
    expect(Array.from(limited.labels)).toEqual([0, 1, 2, 3]);
    limited.dispose();
  });

  it('rejects truncated files, bad labels and missing batches, naming the file', async () => {
    const before = tf.memory().numTensors;
    const truncated = await makeFolder('cifar-bad', { 'test_batch.bin': records(2).subarray(0, 5000) });
    await expect(loadCifar10(truncated, { split: 'test' })).rejects.toThrow(
      /test_batch\.bin is 5000 bytes, not a whole number/,
    );
    const label = records(1);
    label[0] = 42;
    const badLabel = await makeFolder('cifar-label', { 'test_batch.bin': label });
    await expect(loadCifar10(badLabel, { split: 'test' })).rejects.toThrow(/record 0 has label 42/);
    await expect(loadCifar10(badLabel)).rejects.toThrow(/data_batch_1\.bin does not exist/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
