/**
 * The small data sets the classic neurons train on (`tensorfold train perceptron --dataset fruit`):
 * seed 003's fruit example and logic truth tables from `@tensorfold/models-classic`, and Iris from
 * `@tensorfold/data`, read into plain arrays in the form each model's rule needs.
 */
import { ConfigError } from '@tensorfold/core';

/** A classic data set, ready for one model. */
export interface ClassicDataset {
  /** What it is, for the report. */
  description: string;
  /** Feature names, in column order (`x1`, `x2`... in the report). */
  featureNames: readonly string[];
  /** Samples `[samples][features]`. */
  x: number[][];
  /** Labels as the model takes them: ±1 or 0/1 for two classes, class ids for `slp`. */
  y: number[];
  /** Class names: `[+1 class, −1 class]` for two classes, in id order for `slp`. */
  classNames: readonly string[];
  /** Notes on how the data was shaped for this model (printed). */
  notes: string[];
  /** Starting weights the text uses with this data (the fruit example's), if any. */
  start?: { weights: number[]; bias: number };
  /** Unknown samples the text classifies after training, if any. */
  queries?: number[][];
}

/** The classic data sets, by the name `--dataset` takes (descriptions in `catalog.ts`). */
export const CLASSIC_DATASET_NAMES: readonly string[] = ['fruit', 'and', 'or', 'nand', 'nor', 'xor', 'iris'];

/** Loads `name` for the classic model `model` (`perceptron`, `adaline`, `madaline`, `slp`). */
export async function loadClassicDataset(name: string, model: string): Promise<ClassicDataset> {
  const classic = await import('@tensorfold/models-classic');
  if (name === 'fruit') {
    const fruit = classic.fruitData();
    return {
      description: fruit.description,
      featureNames: fruit.featureNames,
      x: fruit.x,
      y: fruit.y,
      classNames: ['C1', 'C2'],
      notes: model === 'perceptron' ? ["Starting from the text's weights w = [-30, 300], w0 = -1230."] : [],
      start: model === 'perceptron' ? { weights: [-30, 300], bias: -1230 } : undefined,
      queries: [
        [180, 10],
        [140, 20],
        [140, 17.9],
      ],
    };
  }
  if (classic.LOGIC_FUNCTIONS.includes(name) && name !== 'not') {
    const table = classic.logicData(name);
    // MRI is taught (and converges reliably) on bipolar patterns: inputs and targets in {-1, +1}.
    const bipolar = model === 'madaline';
    return {
      description: table.description,
      featureNames: table.featureNames,
      x: bipolar ? table.x.map((row) => row.map((v) => 2 * v - 1)) : table.x,
      y: table.y,
      classNames: ['1', '0'],
      notes: bipolar
        ? ['Inputs and targets in bipolar form (0 -> -1), as MRI is taught.']
        : ['Labels 1 -> +1, 0 -> -1.'],
    };
  }
  if (name === 'iris') return loadIrisFor(model);
  throw new ConfigError(`Unknown classic dataset "${name}". Available: ${CLASSIC_DATASET_NAMES.join(', ')}.`);
}

/** Iris: all three species for `slp`, setosa (+1) against versicolor (−1) for the two-class neurons. */
async function loadIrisFor(model: string): Promise<ClassicDataset> {
  // loadIris returns tensors; the CPU backend is enough to read 150 rows back into arrays.
  const { initBackend } = await import('@tensorfold/backend');
  await initBackend({ require: 'cpu' });
  const { loadIris } = await import('@tensorfold/data/node');
  const iris = await loadIris();
  let x: number[][];
  let ids: number[];
  try {
    x = (await iris.xs.array()) as number[][];
    ids = Array.from(await iris.ys.data());
  } finally {
    iris.dispose();
  }
  if (model === 'slp') {
    return {
      description: 'Iris: 150 flowers, 4 measurements (cm), 3 species',
      featureNames: iris.featureNames,
      x,
      y: ids,
      classNames: iris.classNames,
      notes: [],
    };
  }
  const keep = ids.flatMap((c, i) => (c < 2 ? [i] : []));
  return {
    description: 'Iris setosa (+1) against versicolor (-1): 100 flowers, 4 measurements (cm)',
    featureNames: iris.featureNames,
    x: keep.map((i) => x[i]),
    y: keep.map((i) => (ids[i] === 0 ? 1 : -1)),
    classNames: ['setosa', 'versicolor'],
    notes: ['Two classes only (setosa, versicolor); train slp for all three species.'],
  };
}
