import type * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../engine/model.js';
import { ConfigError, DataError } from '../errors.js';
import type { BatchSource, TensorContainer } from '../interfaces/dataset.js';
import type { CallbackList, Logs } from './callbacks.js';
import {
  arrayBatches,
  datasetReader,
  disposeBatch,
  isBatchSource,
  type ModelBatch,
  toModelBatch,
} from './data-adapter.js';

/** Options of `model.evaluate`. */
export interface EvaluateArgs {
  /** Samples per batch for tensor data. Default 32. */
  batchSize?: number;
  /** Per-sample weights, shape `[samples]`. */
  sampleWeight?: tf.Tensor;
  /** For datasets: how many batches. Default: one full pass. */
  steps?: number;
}

/**
 * Runs the compiled loss and metrics over batches in inference mode and returns their values over
 * all samples (regularization penalties are not included: they belong to training only).
 */
export async function evaluateBatches(
  model: Model,
  batches: AsyncIterable<ModelBatch> | Iterable<ModelBatch>,
  callbacks: CallbackList | undefined,
): Promise<Logs> {
  model.requireCompiled('evaluate');
  model.metricsState.reset();
  await callbacks?.call('onTestBegin', {});
  // Reading the running values waits for the device: once per batch only for a callback that wants them.
  const logEachBatch = callbacks?.listensTo('onTestBatchEnd') ?? false;
  let index = 0;
  for await (const batch of batches) {
    try {
      await callbacks?.call('onTestBatchBegin', index, { batch: index, size: batch.size });
      model.runTestStep(batch);
    } finally {
      disposeBatch(batch);
    }
    if (callbacks) {
      const logs = logEachBatch ? await model.metricsState.read() : {};
      await callbacks.call('onTestBatchEnd', index, { batch: index, size: batch.size, ...logs });
    }
    index++;
  }
  if (index === 0) throw new DataError('evaluate got no batches: the data is empty.');
  const logs = await model.metricsState.read();
  await callbacks?.call('onTestEnd', logs);
  return logs;
}

/** `model.evaluate` on tensors or a dataset. */
export async function evaluate(
  model: Model,
  x: TensorContainer | BatchSource,
  y: TensorContainer | undefined,
  args: EvaluateArgs = {},
): Promise<Logs> {
  if (isBatchSource(x)) {
    const reader = datasetReader(x, model.inputNames, model.outputNames, args.steps, false);
    return evaluateBatches(model, reader.batches(), undefined);
  }
  if (y === undefined && !model.hasCustomStep('test'))
    throw new DataError('evaluate(x, y) needs targets y when x is tensors.');
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError(`batchSize must be a positive integer, got ${batchSize}.`);
  const data = toModelBatch(model.inputNames, model.outputNames, x, y, args.sampleWeight);
  const batches = arrayBatches(data.xs, data.ys, data.sampleWeight, data.size, batchSize, null);
  return evaluateBatches(model, batches, undefined);
}
