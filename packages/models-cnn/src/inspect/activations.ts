import { InputLayer, type Model, tf } from '@tensorfold/core';
import { asBatch, findLayer, layerOutput, runTo } from './graph-run.js';

/**
 * The feature maps of `layerNames` (default: every layer whose output is an image, `[batch, h, w, c]`) for one
 * image, as seed 002 (ch. 5) shows "what a convnet learns": `{ layerName: [1, h, w, channels] }`, in the order
 * asked. The caller disposes the tensors.
 *
 * @param image `[height, width, channels]` or `[1, height, width, channels]` as the model takes it.
 * @throws ConfigError listing the layer names when a name is unknown; ShapeError when the image does not fit.
 * @example
 * const maps = activations(model, image, ['conv1', 'conv2']);
 * maps.conv1.shape; // [1, 26, 26, 16]
 */
export function activations(
  model: Model,
  image: tf.Tensor,
  layerNames?: readonly string[],
): Record<string, tf.Tensor> {
  const layers = layerNames
    ? layerNames.map((name) => findLayer(model, name))
    : model.layers.filter(
        (l) => !Array.isArray(l.output) && l.output.shape.length === 4 && !(l instanceof InputLayer),
      );
  const targets = layers.map(layerOutput);
  const values = tf.tidy(() => runTo(model, asBatch(model, image), targets));
  const out: Record<string, tf.Tensor> = {};
  layers.forEach((layer, i) => {
    out[layer.name] = values[i];
  });
  return out;
}
