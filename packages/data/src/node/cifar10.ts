/**
 * CIFAR-10 from its binary distribution on disk.
 */
import { join } from 'node:path';
import { DataError } from '@tensorfold/core';
import { CIFAR10_CLASSES, parseCifar10 } from '../loaders/cifar10.js';
import { checkLimit, type LabeledData, type LabeledOptions, labeledData } from '../loaders/labeled.js';
import { exists, readBytes, readText } from './files.js';

/** Options of {@link loadCifar10}. */
export interface Cifar10Options extends LabeledOptions {
  /** `'train'` (`data_batch_1..5.bin`, 50,000 images) or `'test'` (`test_batch.bin`, 10,000). Default `'train'`. */
  split?: 'train' | 'test';
}

/**
 * Loads CIFAR-10 from the directory of its binary version (`cifar-10-batches-bin`): images
 * `[n, 32, 32, 3]` float32 in [0, 1], labels 0-9, class names from `batches.meta.txt` when present.
 * Nothing is downloaded: fetch the archive once and pass its directory.
 *
 * @throws DataError naming the file when one is missing, truncated or holds a bad label.
 */
export async function loadCifar10(dir: string, options: Cifar10Options = {}): Promise<LabeledData> {
  checkLimit(options.limit);
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test')
    throw new DataError(`split must be 'train' or 'test', got '${split}'.`);
  const files = split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const parts: Array<{ pixels: Float32Array; labels: Int32Array }> = [];
  let total = 0;
  for (const file of files) {
    if (total >= limit) break;
    const path = join(dir, file);
    const records = parseCifar10(await readBytes(path), {
      source: path,
      limit: options.limit === undefined ? undefined : limit - total,
    });
    parts.push(records);
    total += records.count;
  }
  const pixels = new Float32Array(total * 3072);
  const labels = new Int32Array(total);
  let at = 0;
  for (const p of parts) {
    pixels.set(p.pixels, at * 3072);
    labels.set(p.labels, at);
    at += p.labels.length;
  }
  const metaPath = join(dir, 'batches.meta.txt');
  let classNames = CIFAR10_CLASSES;
  if (await exists(metaPath)) {
    const names = (await readText(metaPath))
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length !== 10)
      throw new DataError(`${metaPath} lists ${names.length} class names; CIFAR-10 has 10.`);
    classNames = names;
  }
  return labeledData(pixels, [32, 32, 3], labels, classNames, { oneHot: options.oneHot, source: dir });
}
