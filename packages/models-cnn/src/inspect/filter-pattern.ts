import { ConfigError, type Model, seedOrNext, tf } from '@tensorfold/core';
import { findLayer, layerOutput, runTo } from './graph-run.js';

/** Options of {@link filterPattern}. */
export interface FilterPatternOptions {
  /** Gradient ascent steps. Default 30. */
  steps?: number;
  /** Step size, in pixel-value units per step along the L2-normalized gradient. Default 1. */
  stepSize?: number;
  /** Seed of the starting noise. Default: the next number of the global seed. */
  seed?: number;
}

/**
 * The input pattern that a filter responds to most (seed 002 ch. 5, "visualizing convnet filters"):
 * gradient ascent on the input image, from gray noise, to maximize the mean activation of `filter` in
 * `layerName`'s output, each step along the L2-normalized gradient. Returns the image `[h, w, c]`,
 * standardized and mapped to [0, 1] for display (mean 0.5, 0.1 per standard deviation, clipped). The caller
 * disposes it.
 *
 * @throws ConfigError for an unknown layer (listing the names), a layer without image output, or a bad filter.
 */
export function filterPattern(
  model: Model,
  layerName: string,
  filter: number,
  options: FilterPatternOptions = {},
): tf.Tensor3D {
  const { steps = 30, stepSize = 1 } = options;
  const seed = seedOrNext(options.seed);
  const layer = findLayer(model, layerName);
  const target = layerOutput(layer);
  if (target.shape.length !== 4)
    throw new ConfigError(
      `filterPattern needs a layer with image output [batch, h, w, c]; "${layerName}" gives [${target.shape.join(', ')}].`,
    );
  const filters = target.shape[3] as number;
  if (!Number.isInteger(filter) || filter < 0 || filter >= filters)
    throw new ConfigError(
      `Layer "${layerName}" has ${filters} filters: filter must be 0 to ${filters - 1}, got ${filter}.`,
    );
  if (!Number.isInteger(steps) || steps < 1)
    throw new ConfigError(`steps must be a positive integer, got ${steps}.`);
  const [, h, w, c] = model.inputs[0].shape as number[];
  const objective = (x: tf.Tensor) => {
    const [maps] = runTo(model, x, [target]); // [1, h', w', filters]
    return tf.mean(tf.slice(maps, [0, 0, 0, filter], [1, -1, -1, 1]));
  };
  const gradient = tf.grad(objective);
  let x = tf.randomUniform([1, h, w, c], 0.4, 0.6, 'float32', seed); // [1, h, w, c]
  for (let i = 0; i < steps; i++) {
    const next = tf.tidy(() => {
      const g = gradient(x);
      const norm = tf.add(tf.norm(g), 1e-8);
      return tf.add(x, tf.mul(tf.div(g, norm), stepSize));
    });
    x.dispose();
    x = next;
  }
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x);
    const std = tf.add(tf.sqrt(variance), 1e-5);
    const shown = tf.clipByValue(tf.add(tf.mul(tf.div(tf.sub(x, mean), std), 0.1), 0.5), 0, 1);
    x.dispose();
    return tf.squeeze(shown, [0]) as tf.Tensor3D;
  });
}
