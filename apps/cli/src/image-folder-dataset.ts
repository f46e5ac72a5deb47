/**
 * A folder of images as a `tensorfold train --dataset` dataset, as Keras's `image_dataset_from_directory`:
 * one sub-folder per class (`cats/`, `dogs/`...), or `train/` and `test/` folders that each hold them. Without
 * `train/` and `test/`, every fifth image of each class (by file name order) is kept for the test.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataError, tf } from '@tensorfold/core/node';
import { type LabeledData, listImageFolder, loadImageFolder } from '@tensorfold/data/node';
import type { LoadedDataset } from './datasets.js';

/** Whether `path` is a folder (what `--dataset` takes besides the built-in names). */
export function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Loads the folder's images in [0, 1], keeping their size and reading them as RGB (or grayscale with `channels: 1`). */
export async function loadImageFolderDataset(
  folder: string,
  options: { limit?: number; channels?: 1 | 3 } = {},
): Promise<LoadedDataset> {
  const dir = resolve(folder);
  const split = isFolder(join(dir, 'train')) && isFolder(join(dir, 'test'));
  const trainDir = split ? join(dir, 'train') : dir;
  const { classNames } = await listImageFolder(trainDir);
  if (classNames.length < 2)
    throw new DataError(
      `${trainDir} has one class folder (${classNames[0]}); a classifier needs at least two: add a sub-folder of images per class.`,
    );
  const channels = options.channels ?? 3;
  if (split) {
    const train = await loadImageFolder(trainDir, { limit: options.limit, channels, classNames });
    const test = await loadImageFolder(join(dir, 'test'), { channels, classNames });
    return fromLabeled(`images in ${dir} (train/ and test/)`, classNames.length, train, test);
  }
  const all = await loadImageFolder(dir, { channels });
  // Every fifth image of each class goes to the test split.
  const seen = new Array<number>(classNames.length).fill(0);
  const trainIndex: number[] = [];
  const testIndex: number[] = [];
  for (let i = 0; i < all.count; i++) {
    const label = all.labels[i];
    (seen[label]++ % 5 === 4 ? testIndex : trainIndex).push(i);
  }
  const limited = options.limit === undefined ? trainIndex : trainIndex.slice(0, options.limit);
  const pick = (index: number[]) => ({
    x: tf.gather(all.xs, index),
    y: tf.gather(all.ys, index),
    count: index.length,
  });
  const train = pick(limited);
  const test = pick(testIndex);
  all.dispose();
  return {
    description: `images in ${dir} (${classNames.join(', ')}; every fifth image of a class held out for the test)`,
    numClasses: classNames.length,
    train,
    test,
    dispose() {
      tf.dispose([train.x, train.y, test.x, test.y]);
    },
  };
}

function fromLabeled(
  description: string,
  numClasses: number,
  train: LabeledData,
  test: LabeledData,
): LoadedDataset {
  return {
    description,
    numClasses,
    train: { x: train.xs, y: train.ys, count: train.count },
    test: { x: test.xs, y: test.ys, count: test.count },
    dispose() {
      train.dispose();
      test.dispose();
    },
  };
}
