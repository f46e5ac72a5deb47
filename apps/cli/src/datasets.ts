import { ConfigError, type tf } from '@tensorfold/core';
import { type LabeledData, loadFashionMnist, loadMnist, type MnistOptions } from '@tensorfold/data/node';
import { DATASET_CATALOG, OTHER_DATA_HINT } from './catalog.js';
import { isFolder, loadImageFolderDataset } from './image-folder-dataset.js';
import { modelsForDataset } from './models.js';

/** A classification dataset loaded for training: images `[n, h, w, c]` in [0, 1] and class ids `[n]`. */
export interface LoadedDataset {
  description: string;
  numClasses: number;
  /** Names of the classes, in id order, when the dataset has them. */
  classNames?: readonly string[];
  train: { x: tf.Tensor; y: tf.Tensor; count: number };
  test: { x: tf.Tensor; y: tf.Tensor; count: number };
  /** Frees the tensors. */
  dispose(): void;
}

/** A dataset the CLI can load. */
export interface DatasetEntry {
  description: string;
  load(options: { limit?: number }): Promise<LoadedDataset>;
}

async function trainAndTest(
  load: (options: MnistOptions) => Promise<LabeledData>,
  description: string,
  limit: number | undefined,
): Promise<LoadedDataset> {
  const train = await load({ split: 'train', limit });
  let test: LabeledData;
  try {
    test = await load({ split: 'test' });
  } catch (error) {
    train.dispose();
    throw error;
  }
  return {
    description,
    numClasses: train.classNames.length,
    classNames: train.classNames,
    train: { x: train.xs, y: train.ys, count: train.count },
    test: { x: test.xs, y: test.ys, count: test.count },
    dispose() {
      train.dispose();
      test.dispose();
    },
  };
}

/** The datasets `tensorfold train --dataset` knows (names and descriptions in `catalog.ts`). */
export const DATASETS: Record<string, DatasetEntry> = {
  mnist: {
    ...DATASET_CATALOG.mnist,
    load: ({ limit }) => trainAndTest(loadMnist, 'MNIST handwritten digits', limit),
  },
  'fashion-mnist': {
    ...DATASET_CATALOG['fashion-mnist'],
    load: ({ limit }) => trainAndTest(loadFashionMnist, 'Fashion-MNIST clothing images', limit),
  },
};

/** Loads `name`, or throws a ConfigError listing the datasets. */
export async function loadDataset(name: string, options: { limit?: number }): Promise<LoadedDataset> {
  const entry = DATASETS[name];
  if (!entry && isFolder(name)) return loadImageFolderDataset(name, options);
  if (!entry)
    throw new ConfigError(
      `Unknown dataset "${name}". Available datasets: ${Object.keys(DATASETS).join(', ')}. ${OTHER_DATA_HINT}`,
    );
  return entry.load(options);
}

/**
 * Refuses, before anything starts, a dataset an image classifier cannot train on: a name the CLI knows
 * for other models (`iris` is for the classic neurons) gets the models that take it, as their
 * descriptions say.
 */
export function checkImageDataset(model: string, dataset: string): void {
  if (DATASETS[dataset] || isFolder(dataset)) return;
  const takers = modelsForDataset(dataset);
  const images = `${Object.keys(DATASETS).join(', ')} or a folder of images with one sub-folder per class`;
  throw new ConfigError(
    takers.length > 0
      ? `${model} trains on images (${images}); "${dataset}" is for ${takers.join(', ')}: tensorfold train ${takers[0]} --dataset ${dataset}.`
      : `Unknown dataset "${dataset}". ${model} trains on ${images}. ${OTHER_DATA_HINT}`,
  );
}
