import { ConfigError, type ModelDescription } from '@tensorfold/core';
import { MODEL_CATALOG } from './catalog.js';

/** The description of the model called `name` (any case), or a ConfigError listing the models. */
export function modelEntry(name: string): ModelDescription {
  const entry = MODEL_CATALOG[name.toLowerCase()];
  if (!entry)
    throw new ConfigError(
      `Unknown model "${name}". Available models: ${Object.keys(MODEL_CATALOG).join(', ')}.`,
    );
  return entry;
}

/** The names of the models that classify images (what `train --dataset mnist` can train). */
export function imageClassifiers(): string[] {
  return Object.values(MODEL_CATALOG)
    .filter((entry) => entry.task === 'classify-images')
    .map((entry) => entry.name);
}

/** The models whose descriptions list `dataset` among the data they fit. */
export function modelsForDataset(dataset: string): string[] {
  return Object.values(MODEL_CATALOG)
    .filter((entry) => entry.datasets.includes(dataset))
    .map((entry) => entry.name);
}
