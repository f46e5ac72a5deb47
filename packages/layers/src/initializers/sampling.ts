/**
 * The random source of the random initializers: values are drawn in JavaScript from core's seeded
 * `Random`, so the same seed gives the same weights on every backend.
 */
import { Random, seedOrNext, tf } from '@tensorfold/core';

/**
 * A seeded stream of random numbers for one initializer. The seed is fixed when the initializer is
 * made (the given one, or the next from the global generator, see `setSeed`); each `apply`
 * continues the stream, so an initializer shared by several layers gives each different values.
 */
export class SeededStream {
  /** The seed the stream started from. */
  readonly seed: number;
  /** The generator (layers declare it with `trackRandom`, so checkpoints can save its state). */
  readonly random: Random;

  constructor(seed?: number | null) {
    this.seed = seedOrNext(seed);
    this.random = new Random(this.seed);
  }
}

/** A tensor of `shape` filled by `draw()`, cast to `dtype`. */
export function sampleTensor(shape: number[], draw: () => number, dtype: tf.DataType = 'float32'): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = draw();
  const t = tf.tensor(values, shape, 'float32');
  if (dtype === 'float32') return t;
  const cast = tf.cast(t, dtype);
  t.dispose();
  return cast;
}

/** A normal sample redrawn until it lies within two standard deviations of the mean. */
export function truncatedNormalSample(random: Random, mean: number, stddev: number): number {
  for (;;) {
    const z = random.normal();
    if (Math.abs(z) <= 2) return mean + stddev * z;
  }
}
