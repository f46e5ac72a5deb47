import { type Model, tf } from '@tensorfold/core';
import type { EmbeddingsArgs } from '@tensorfold/experiments/node';

/** Test images `train --logdir` projects: the first this many. */
export const EMBEDDING_SAMPLE = 256;

/**
 * What `train --logdir` logs for the projector: the activations of the layer the classifier's output
 * layer reads (the penultimate layer: the features the classes are told apart by) on the first
 * {@link EMBEDDING_SAMPLE} test images, labelled by class, after every epoch. Null for a model whose
 * output layer reads its input directly. The caller disposes the sample.
 */
export function penultimateEmbeddings(
  model: Model,
  testX: tf.Tensor,
  testY: tf.Tensor,
  classNames: readonly string[] | undefined,
): { args: EmbeddingsArgs; dispose(): void } | null {
  const output = model.outputs[0];
  const feeding = output?.sourceLayer.inboundNodes[output.nodeIndex]?.inputTensors[0]?.sourceLayer;
  if (!feeding || model.inputs.some((i) => i.sourceLayer === feeding)) return null;
  const n = Math.min(EMBEDDING_SAMPLE, testX.shape[0]);
  const inputs = tf.slice(testX, [0], [n]); // [n, h, w, c]
  const labels = tf.slice(testY, [0], [n]); // [n]
  return {
    args: { layer: feeding.name, inputs, labels, ...(classNames ? { classNames } : {}) },
    dispose: () => tf.dispose([inputs, labels]),
  };
}
