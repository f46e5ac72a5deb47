/**
 * Every optimizer configuration that has a fused rule, and seeded tensors to step them with: shared by
 * the fused-kernel tests (fused.test.ts) and the in-place ones (kernels/in-place.test.ts).
 */
import { Random, tf } from '@tensorfold/core';
import { adadelta } from '../optimizers/adadelta.js';
import { adagrad } from '../optimizers/adagrad.js';
import { adam, adamw } from '../optimizers/adam.js';
import { adamax } from '../optimizers/adamax.js';
import { nadam } from '../optimizers/nadam.js';
import type { OptimizerBase } from '../optimizers/optimizer.js';
import { rmsprop } from '../optimizers/rmsprop.js';
import { sgd } from '../optimizers/sgd.js';

/** `[name, make]` for each configuration, one fused rule each (some rules in two). */
export const fusedConfigurations: Array<[string, () => OptimizerBase]> = [
  ['sgd', () => sgd({ learningRate: 0.1 })],
  ['sgd momentum', () => sgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 })],
  ['sgd nesterov', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
  ['adam', () => adam({ learningRate: 0.01 })],
  ['adam amsgrad', () => adam({ learningRate: 0.01, amsgrad: true })],
  ['adamw', () => adamw({ learningRate: 0.01, weightDecay: 0.1 })],
  ['adagrad', () => adagrad({ learningRate: 0.1 })],
  ['adadelta', () => adadelta({ learningRate: 1 })],
  ['rmsprop', () => rmsprop({ learningRate: 0.01 })],
  ['rmsprop momentum', () => rmsprop({ learningRate: 0.01, momentum: 0.5 })],
  ['rmsprop centered', () => rmsprop({ learningRate: 0.01, centered: true })],
  ['rmsprop centered momentum', () => rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true })],
  ['adamax', () => adamax({ learningRate: 0.02 })],
  ['nadam', () => nadam({ learningRate: 0.02 })],
];

/** A tensor of `shape` with standard normal values drawn from `seed`. */
export function seededNormal(shape: number[], seed: number): tf.Tensor {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal()),
    shape,
  );
}
