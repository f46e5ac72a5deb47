/**
 * Random tensors for the noise layers (dropout masks, Gaussian noise), drawn in JavaScript from
 * core's seeded `Random`, so a layer made with a seed (or after `setSeed`) draws the same masks
 * on every run and every backend.
 */
import { type Random, tf } from '@tensorfold/core';

/**
 * An inverted-dropout mask of `shape`: each element is kept (value `1 / (1 - rate)`) with
 * probability `1 - rate`, else dropped (value 0), so the expected value of `x * mask` is `x`.
 */
export function dropoutMask(shape: number[], rate: number, random: Random): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const keep = 1 / (1 - rate);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = random.uniform() >= rate ? keep : 0;
  return tf.tensor(values, shape, 'float32');
}

/** Normal noise of `shape` with mean 0 and standard deviation `stddev`. */
export function normalNoise(shape: number[], stddev: number, random: Random): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = random.normal(0, stddev);
  return tf.tensor(values, shape, 'float32');
}
