import * as tf from '@tensorflow/tfjs-core';

/** How a fuzz input is filled: `uniform` in [-1, 1), `positive` in [0.5, 2), `int` in [0, n). */
export type Fill = 'uniform' | 'positive' | { int: number };

/** A small fast PRNG (mulberry32): the same seed gives the same values on every backend. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A tensor of `shape` filled per `fill` from `seed`, on the active backend. */
export function input(shape: number[], seed: number, fill: Fill = 'uniform'): tf.Tensor {
  const next = random(seed);
  const n = sizeOf(shape);
  if (typeof fill === 'object') {
    return tf.tensor(
      Array.from({ length: n }, () => Math.floor(next() * fill.int)),
      shape,
      'int32',
    );
  }
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = fill === 'uniform' ? next() * 2 - 1 : 0.5 + next() * 1.5;
  return tf.tensor(values, shape, 'float32');
}
