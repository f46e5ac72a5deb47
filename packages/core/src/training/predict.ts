import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../engine/model.js';
import { ConfigError } from '../errors.js';
import type { TensorContainer } from '../interfaces/dataset.js';
import { countSamples, sliceRows, toTensorList } from './data-adapter.js';

/** Options of `model.predict`. */
export interface PredictArgs {
  /** Samples per forward pass. Default 32. Larger is faster until memory runs out. */
  batchSize?: number;
}

/**
 * Runs the model in inference mode, `batchSize` samples at a time, and concatenates the results.
 * Returns one tensor for a single-output model, else one per output. The caller disposes them.
 */
export function predict(model: Model, x: TensorContainer, args: PredictArgs = {}): tf.Tensor | tf.Tensor[] {
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError(`batchSize must be a positive integer, got ${batchSize}.`);
  const xs = toTensorList(x, model.inputNames, 'input');
  const samples = countSamples([['x', xs]]);
  const parts: tf.Tensor[][] = model.outputNames.map(() => []);
  for (let start = 0; start < samples; start += batchSize) {
    const size = Math.min(batchSize, samples - start);
    const out = tf.tidy(() =>
      model.forward(size === samples ? xs : sliceRows(xs, start, size), { training: false }),
    );
    for (const [i, o] of out.entries()) parts[i].push(o);
  }
  const outputs = parts.map((p) => {
    if (p.length === 1) return p[0];
    const joined = tf.concat(p, 0);
    tf.dispose(p);
    return joined;
  });
  return outputs.length === 1 ? outputs[0] : outputs;
}
