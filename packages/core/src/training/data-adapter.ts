import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '../errors.js';
import type { Batch, BatchSource, TensorContainer } from '../interfaces/dataset.js';

/** A batch in the order of the model's inputs and outputs. */
export interface ModelBatch {
  xs: tf.Tensor[];
  ys: tf.Tensor[];
  sampleWeight?: tf.Tensor;
  /** Number of samples. */
  size: number;
}

/**
 * Puts a tensor, list or name-keyed map into the order of `names`.
 * @throws DataError when the count or the names do not match.
 */
export function toTensorList(data: TensorContainer, names: string[], what: 'input' | 'target'): tf.Tensor[] {
  if (data instanceof tf.Tensor) {
    if (names.length !== 1) {
      throw new DataError(
        `The model has ${names.length} ${what}s (${names.join(', ')}) but one tensor was given. Pass an array or an object keyed by ${what} name.`,
      );
    }
    return [data];
  }
  if (Array.isArray(data)) {
    if (data.length !== names.length) {
      throw new DataError(
        `The model has ${names.length} ${what}(s) (${names.join(', ')}) but ${data.length} tensors were given.`,
      );
    }
    data.forEach((t, i) => {
      if (!(t instanceof tf.Tensor))
        throw new DataError(`${what} ${i} is not a tensor; convert it with tf.tensor(...).`);
    });
    return data;
  }
  if (data == null || typeof data !== 'object') {
    throw new DataError(
      `Expected ${what} data as a tensor, an array of tensors or an object of tensors, got ${String(data)}.`,
    );
  }
  return names.map((n) => {
    const t = (data as Record<string, tf.Tensor>)[n];
    if (!(t instanceof tf.Tensor)) {
      throw new DataError(`No ${what} named "${n}" in the data (got keys ${Object.keys(data).join(', ')}).`);
    }
    return t;
  });
}

/**
 * The common number of samples (first dimension) of all tensors.
 * @throws DataError when they differ or a tensor is a scalar.
 */
export function countSamples(groups: Array<[string, tf.Tensor[]]>): number {
  let n: number | null = null;
  let first = '';
  for (const [label, tensors] of groups) {
    tensors.forEach((t, i) => {
      if (t.rank === 0)
        throw new DataError(`${label} ${i} is a scalar; data needs a first (sample) dimension.`);
      const name = tensors.length > 1 ? `${label} ${i}` : label;
      if (n === null) {
        n = t.shape[0];
        first = name;
      } else if (t.shape[0] !== n) {
        throw new DataError(
          `${first} has ${n} samples but ${name} has ${t.shape[0]}. Inputs, targets and sample weights need the same number of samples.`,
        );
      }
    });
  }
  if (n === null) throw new DataError('No data was given.');
  return n;
}

/**
 * Inputs, targets and optional sample weights in the order of the model's inputs and outputs, checked
 * to hold the same number of samples (the tensors are the caller's; nothing is copied).
 * @param labels Names of the three in error messages.
 * @throws DataError when the data does not fit the model's inputs and outputs or the counts differ.
 */
export function toModelBatch(
  inputNames: string[],
  outputNames: string[],
  x: TensorContainer,
  y: TensorContainer | undefined,
  sampleWeight: tf.Tensor | undefined,
  labels: [string, string, string] = ['x', 'y', 'sampleWeight'],
): ModelBatch {
  const xs = toTensorList(x, inputNames, 'input');
  // No targets: a model with its own trainStep (a GAN, an autoencoder) learns from the inputs alone.
  const ys = y === undefined ? [] : toTensorList(y, outputNames, 'target');
  const groups: Array<[string, tf.Tensor[]]> = [
    [labels[0], xs],
    [labels[1], ys],
  ];
  if (sampleWeight) groups.push([labels[2], [sampleWeight]]);
  return { xs, ys, sampleWeight, size: countSamples(groups) };
}

/** Rows [start, start+size) of every tensor (new tensors). */
export function sliceRows(tensors: tf.Tensor[], start: number, size: number): tf.Tensor[] {
  return tensors.map((t) => tf.slice(t, [start], [size]));
}

/**
 * Batches of `batchSize` rows in the order `order` (all rows in order when null). Each batch's tensors
 * are new; the consumer disposes them.
 */
export function* arrayBatches(
  xs: tf.Tensor[],
  ys: tf.Tensor[],
  sampleWeight: tf.Tensor | undefined,
  samples: number,
  batchSize: number,
  order: Int32Array | null,
): Generator<ModelBatch> {
  for (let start = 0; start < samples; start += batchSize) {
    const size = Math.min(batchSize, samples - start);
    if (order === null) {
      yield {
        xs: sliceRows(xs, start, size),
        ys: sliceRows(ys, start, size),
        sampleWeight: sampleWeight ? tf.slice(sampleWeight, [start], [size]) : undefined,
        size,
      };
    } else {
      const idx = tf.tensor1d(order.subarray(start, start + size), 'int32');
      const batch = {
        xs: xs.map((t) => tf.gather(t, idx)),
        ys: ys.map((t) => tf.gather(t, idx)),
        sampleWeight: sampleWeight ? tf.gather(sampleWeight, idx) : undefined,
        size,
      };
      idx.dispose();
      yield batch;
    }
  }
}

/** Whether `x` is a dataset/async iterable of batches rather than tensors. */
export function isBatchSource(x: unknown): x is BatchSource {
  return (
    typeof x === 'object' &&
    x !== null &&
    !(x instanceof tf.Tensor) &&
    typeof (x as BatchSource)[Symbol.asyncIterator] === 'function'
  );
}

/** Converts one dataset element (`{xs, ys}` or `[xs, ys]`) to a model batch. */
export function fromDatasetElement(
  element: Batch | [TensorContainer, TensorContainer],
  inputNames: string[],
  outputNames: string[],
): ModelBatch {
  let batch: Batch;
  if (Array.isArray(element)) {
    if (element.length < 2) throw new DataError('A dataset element given as an array must be [xs, ys].');
    batch = {
      xs: element[0],
      ys: element[1],
      sampleWeight: (element as unknown[])[2] as tf.Tensor | undefined,
    };
  } else if (element && typeof element === 'object' && 'xs' in element && 'ys' in element) {
    batch = element;
  } else {
    throw new DataError(
      'Each dataset element must be {xs, ys} (optionally with sampleWeight) or [xs, ys]; map the dataset into that form.',
    );
  }
  return toModelBatch(inputNames, outputNames, batch.xs, batch.ys, batch.sampleWeight, [
    'input',
    'target',
    'sampleWeight',
  ]);
}

/** Model batches read from a dataset (see {@link datasetReader}). */
export interface DatasetReader {
  /** The next batches: at most `steps` of them, or what is left of the pass without `steps`. */
  batches(): AsyncGenerator<ModelBatch>;
  /** Ends the open pass, so that the dataset frees what it buffers (shuffle and prefetch buffers). */
  close(): Promise<void>;
}

/**
 * Reads a dataset as model batches, at most `steps` per call of `batches()`, and never reads an element
 * it does not yield. With `continuePass` and `steps` (training with `stepsPerEpoch`, as Keras does), a
 * call goes on where the last one stopped and a new pass starts when one ends: close the reader when
 * done. Otherwise every call is a new pass from the start (validation and `evaluate` see the same
 * batches every time), closed when the call ends.
 */
export function datasetReader(
  source: BatchSource,
  inputNames: string[],
  outputNames: string[],
  steps: number | undefined,
  continuePass: boolean,
): DatasetReader {
  let iterator: AsyncIterator<unknown> | null = null;
  const restart = !continuePass || steps === undefined;
  const close = async () => {
    const open = iterator;
    iterator = null;
    await open?.return?.();
  };
  return {
    close,
    async *batches() {
      iterator ??= source[Symbol.asyncIterator]();
      const current = iterator;
      try {
        for (let count = 0; steps === undefined || count < steps; count++) {
          const next = await current.next();
          if (next.done) {
            iterator = null;
            return;
          }
          yield fromDatasetElement(
            next.value as Parameters<typeof fromDatasetElement>[0],
            inputNames,
            outputNames,
          );
        }
      } finally {
        if (restart) await close();
      }
    },
  };
}

/** Disposes every tensor of a batch. */
export function disposeBatch(batch: ModelBatch): void {
  tf.dispose([...batch.xs, ...batch.ys]);
  batch.sampleWeight?.dispose();
}
