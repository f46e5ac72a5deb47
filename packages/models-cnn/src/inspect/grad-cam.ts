import { ConfigError, type Model, tf } from '@tensorfold/core';
import { asBatch, findLayer, layerOutput, runTo } from './graph-run.js';

/** Options of {@link gradCam}. */
export interface GradCamOptions {
  /** The convolutional layer to explain. Default: the last layer whose output is `[batch, h, w, c]`. */
  layerName?: string;
  /** `'layer'` (default): the heatmap at the layer's resolution; `'input'`: resized bilinearly to the image's. */
  size?: 'layer' | 'input';
}

/**
 * Grad-CAM (Selvaraju et al. 2017; seed 002 ch. 5's class activation heatmap): how much each place of a
 * convolutional layer's output speaks for `classIndex`. The gradient of the class score with respect to the
 * layer's feature maps is averaged over each map to weigh it; the weighted sum of the maps, through ReLU and
 * divided by its maximum, is the heatmap `[h, w]` in [0, 1] (all zeros when nothing speaks for the class).
 * The caller disposes it.
 *
 * @param image `[height, width, channels]` or `[1, height, width, channels]` as the model takes it.
 * @param classIndex the output unit to explain, 0-based.
 * @throws ConfigError for an unknown layer (listing the names), a layer without image output, or a bad class.
 */
export function gradCam(
  model: Model,
  image: tf.Tensor,
  classIndex: number,
  options: GradCamOptions = {},
): tf.Tensor2D {
  const layer = options.layerName
    ? findLayer(model, options.layerName)
    : [...model.layers].reverse().find((l) => !Array.isArray(l.output) && l.output.shape.length === 4);
  if (!layer)
    throw new ConfigError(
      `Model "${model.name}" has no layer with image output ([batch, h, w, c]) to explain.`,
    );
  const target = layerOutput(layer);
  if (target.shape.length !== 4)
    throw new ConfigError(
      `Grad-CAM needs a layer with image output [batch, h, w, c]; "${layer.name}" gives [${target.shape.join(', ')}]. Pick a convolutional layer.`,
    );
  const classes = model.outputs[0].shape.at(-1) as number;
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= classes)
    throw new ConfigError(`classIndex must be an integer from 0 to ${classes - 1}, got ${classIndex}.`);
  const output = model.outputs[0];
  return tf.tidy(() => {
    const x = asBatch(model, image);
    const [maps] = runTo(model, x, [target]); // [1, h, w, c]
    const score = (a: tf.Tensor) => {
      const [y] = runTo(model, x, [output], { tensor: target, value: a }); // [1, classes]
      return tf.sum(tf.slice(y, [0, classIndex], [1, 1]));
    };
    const grads = tf.grad(score)(maps); // [1, h, w, c]
    const weights = tf.mean(grads, [1, 2], true); // [1, 1, 1, c]
    let cam = tf.squeeze(tf.relu(tf.sum(tf.mul(maps, weights), 3)), [0]) as tf.Tensor2D; // [h, w]
    const max = tf.max(cam);
    cam = tf.where(tf.greater(max, 0), tf.div(cam, tf.maximum(max, 1e-12)), tf.zerosLike(cam)) as tf.Tensor2D;
    if (options.size === 'input') {
      const [h, w] = x.shape.slice(1, 3);
      cam = tf.squeeze(
        tf.image.resizeBilinear(tf.expandDims(cam, 2) as tf.Tensor3D, [h, w]),
        [2],
      ) as tf.Tensor2D;
    }
    return cam;
  });
}
