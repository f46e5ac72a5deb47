import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';
import type { CompiledState } from './compile.js';

/** The loss of each output and their weighted sum. */
export interface LossValues {
  total: tf.Scalar;
  perOutput: tf.Scalar[];
}

/**
 * Applies each output's loss and reduces it as Keras does: the mean over the batch (in one op where
 * the loss offers one, `Loss.batchMean`), or with sample weights the sum of weighted per-sample losses
 * divided by the batch size.
 */
export function computeLosses(
  compiled: CompiledState,
  outputNames: string[],
  ys: tf.Tensor[],
  predictions: tf.Tensor[],
  sampleWeight?: tf.Tensor,
): LossValues {
  const perOutput = compiled.losses.map((loss, i) => {
    if (!sampleWeight && loss.batchMean) {
      const mean = loss.batchMean(ys[i], predictions[i]); // [], or null: averaged below
      if (mean != null) return mean as tf.Scalar;
    }
    const perSample = loss.fn(ys[i], predictions[i]);
    if (perSample.rank === 0) return perSample as tf.Scalar;
    const batch = perSample.shape[0];
    if (batch !== predictions[i].shape[0]) {
      throw new ShapeError(
        `Loss "${loss.name}" of output "${outputNames[i]}" returned shape [${perSample.shape}] for a batch of ${predictions[i].shape[0]}; a loss must return one value per sample.`,
      );
    }
    const perRow =
      perSample.rank > 1
        ? tf.mean(
            perSample,
            perSample.shape.slice(1).map((_, k) => k + 1),
          )
        : perSample;
    if (!sampleWeight) return tf.mean(perRow) as tf.Scalar;
    return tf.div(tf.sum(tf.mul(perRow, tf.reshape(sampleWeight, [batch]))), batch) as tf.Scalar;
  });
  let total =
    compiled.losses[0].weight === 1 ? perOutput[0] : tf.mul(perOutput[0], compiled.losses[0].weight);
  for (let i = 1; i < perOutput.length; i++)
    total = tf.add(total, tf.mul(perOutput[i], compiled.losses[i].weight));
  return { total: total as tf.Scalar, perOutput };
}
