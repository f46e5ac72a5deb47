import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, InputLayer, type Model, ShapeError } from '@tensorfold/core';

/** Options of {@link gradCam}. */
export interface GradCamOptions {
  /** Name of the convolution layer whose output is weighed (usually the last one). */
  layer: string;
  /** The class to explain. Default: the class the model predicts. */
  classIndex?: number;
}

/** A Grad-CAM heatmap at the resolution of the layer's output, scaled to [0, 1]. */
export interface GradCamResult {
  /** `[height, width]` rows, ready for `heatmapOverlay`. */
  heatmap: number[][];
  classIndex: number;
  /** The model's score for `classIndex`. */
  score: number;
}

/**
 * Grad-CAM (Selvaraju et al.; Chollet's "class activation heatmaps"): the channels of a convolution
 * layer's output weighted by the mean gradient of the class score over each channel, summed, passed
 * through ReLU and scaled by its maximum. Works on models whose layers run one after another (a
 * `Sequential`, or a functional chain). `image` is `[1, h, w, c]` or `[h, w, c]`; nothing is leaked.
 */
export async function gradCam(
  model: Model,
  image: tf.Tensor,
  options: GradCamOptions,
): Promise<GradCamResult> {
  const layers = model.layers.filter((l) => !(l instanceof InputLayer));
  const k = layers.findIndex((l) => l.name === options.layer);
  if (k < 0)
    throw new ConfigError(
      `Model "${model.name}" has no layer "${options.layer}"; its layers are ${layers.map((l) => l.name).join(', ')}.`,
    );
  if (k === layers.length - 1)
    throw new ConfigError(`"${options.layer}" is the last layer; pick a convolution layer before the head.`);
  const x = image.rank === 3 ? tf.expandDims(image, 0) : image; // [1, h, w, c]
  try {
    if (x.rank !== 4 || x.shape[0] !== 1)
      throw new ShapeError(
        `gradCam explains one image [1, height, width, channels] or [height, width, channels], got [${image.shape}].`,
      );
    const run = (from: number, to: number, t: tf.Tensor) =>
      layers.slice(from, to).reduce((acc, l) => l.apply(acc as never) as unknown as tf.Tensor, t);
    // First the prediction (read with an await, as WebGPU needs), then the gradient for the target.
    const [a, out] = tf.tidy(() => {
      const act = run(0, k + 1, x); // [1, h', w', channels]
      return [act, run(k + 1, layers.length, act) as tf.Tensor2D]; // [1, classes]
    });
    let target: number;
    let score: number;
    let cam: tf.Tensor2D;
    try {
      if (a.rank !== 4)
        throw new ShapeError(
          `Layer "${options.layer}" outputs shape [${a.shape}]; Grad-CAM needs a 2-D feature map [1, h, w, channels].`,
        );
      const scores = await out.data();
      target = options.classIndex ?? scores.indexOf(Math.max(...scores));
      if (!(Number.isInteger(target) && target >= 0 && target < out.shape[1]))
        throw new ConfigError(`classIndex must be from 0 to ${out.shape[1] - 1}, got ${target}.`);
      score = scores[target];
      cam = tf.tidy(() => {
        const grad = tf.grad((t: tf.Tensor) =>
          tf.sum(tf.slice(run(k + 1, layers.length, t), [0, target], [1, 1])),
        )(a);
        const weights = tf.mean(grad, [0, 1, 2]); // [channels]
        const map = tf.relu(tf.sum(tf.mul(tf.squeeze(a, [0]), weights), -1)); // [h', w']
        return tf.div(map, tf.maximum(tf.max(map), 1e-12)) as tf.Tensor2D;
      });
    } finally {
      a.dispose();
      out.dispose();
    }
    try {
      const [h, w] = cam.shape;
      const values = await cam.data();
      return {
        heatmap: Array.from({ length: h }, (_, r) => Array.from(values.subarray(r * w, (r + 1) * w))),
        classIndex: target,
        score,
      };
    } finally {
      cam.dispose();
    }
  } finally {
    if (x !== image) x.dispose();
  }
}
