import { ConfigError, type tf } from '@tensorfold/core';

/** A classification dataset loaded for training: images `[n, h, w, c]` in [0, 1] and class ids `[n]`. */
export interface LoadedDataset {
  description: string;
  numClasses: number;
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

/** The datasets `tensorfold train --dataset` knows (filled in by the data package's loaders). */
export const DATASETS: Record<string, DatasetEntry> = {};

/** Loads `name`, or throws a ConfigError listing the datasets. */
export async function loadDataset(name: string, options: { limit?: number }): Promise<LoadedDataset> {
  const entry = DATASETS[name];
  if (!entry) throw new ConfigError(`Unknown dataset "${name}". Available datasets: ${Object.keys(DATASETS).join(', ')}.`);
  return entry.load(options);
}
