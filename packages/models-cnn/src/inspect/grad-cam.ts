import { ConfigError, type Model, tf } from '@tensorfold/core';
import { gradCamLayer } from './cam-layer.js';
import { asBatch, layerOutput, runTo } from './graph-run.js';

/** Options of {@link gradCam}. */
export interface GradCamOptions {
  /**
   * The layer to explain, one with image output `[batch, h, w, c]`. Default: the last such layer that every
   * path from the input to the output passes through (after the last residual add or concatenation of
   * branching models; see {@link gradCamLayer}).
   */
  layerName?: string;
  /** `'layer'` (default): the heatmap at the layer's resolution; `'input'`: resized bilinearly to the image's. */
  size?: 'layer' | 'input';
}

/**
 * Grad-CAM (Selvaraju et al. 2017; seed 002 ch. 5's class activation heatmap): how much each place of a
 * convolutional layer's output speaks for `classIndex`. The gradient of the class score with respect to the
 * layer's feature maps is averaged over each map to weigh it; the weighted sum of the maps, through ReLU and
 * divided by its maximum, is the heatmap `[h, w]` in [0, 1] (all zeros when nothing speaks for the class).
 * The gradient runs through the whole graph: on residual and inception-style models it reaches the layer
 * through every branch that leaves it. The caller disposes it.
 *
 * @param image `[height, width, channels]` or `[1, height, width, channels]` as the model takes it.
 * @param classIndex the output unit to explain, 0-based.
 * @throws ConfigError for an unknown layer (listing the names), a layer without image output or that the
 *   output does not depend on, or a bad class; ShapeError when the image does not fit (`fitImage` resizes).
 */
export function gradCam(
  model: Model,
  image: tf.Tensor,
  classIndex: number,
  options: GradCamOptions = {},
): tf.Tensor2D {
  const layer = gradCamLayer(model, options.layerName);
  const target = layerOutput(layer);
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
    // Divided by its maximum however small (an untrained deep net's gradients can be 1e-14), or all zeros.
    const max = tf.max(cam);
    const positive = tf.greater(max, 0);
    cam = tf.where(
      positive,
      tf.div(cam, tf.where(positive, max, tf.onesLike(max))),
      tf.zerosLike(cam),
    ) as tf.Tensor2D;
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
