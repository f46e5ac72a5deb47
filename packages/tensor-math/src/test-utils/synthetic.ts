/** Seeded tensors with known structure, for exact-recovery tests and benchmarks. */
import { Random, tf } from '@tensorfold/core';
import { cpToTensor } from '../decomposition/cp-tensor.js';
import { ttToTensor } from '../decomposition/tt-tensor.js';
import { tuckerToTensor } from '../decomposition/tucker-tensor.js';

/** Standard-normal values. */
export function gaussian(shape: readonly number[], seed: number): tf.Tensor {
  const random = new Random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => random.normal()),
    [...shape],
  );
}

/** Uniform [0, 1) values. */
export function uniform(shape: readonly number[], seed: number): tf.Tensor {
  const random = new Random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => random.uniform()),
    [...shape],
  );
}

/** A tensor of exact CP rank `rank` with Gaussian factors. */
export function exactCpTensor(shape: readonly number[], rank: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const factors = shape.map((n, k) => gaussian([n, rank], seed + k) as tf.Tensor2D);
    return cpToTensor({ weights: tf.ones([rank]), factors });
  });
}

/** A tensor of exact multilinear ranks `ranks` (Gaussian core and factors). */
export function exactTuckerTensor(
  shape: readonly number[],
  ranks: readonly number[],
  seed: number,
): tf.Tensor {
  return tf.tidy(() => {
    const factors = shape.map((n, k) => gaussian([n, ranks[k]], seed + k + 1) as tf.Tensor2D);
    return tuckerToTensor({ core: gaussian(ranks, seed), factors });
  });
}

/** A tensor of exact TT ranks `ranks` (`[1, r_1, ..., 1]`, Gaussian cores). */
export function exactTtTensor(shape: readonly number[], ranks: readonly number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const cores = shape.map((n, k) => gaussian([ranks[k], n, ranks[k + 1]], seed + k) as tf.Tensor3D);
    return ttToTensor({ cores });
  });
}
