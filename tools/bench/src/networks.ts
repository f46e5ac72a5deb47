/**
 * The benchmark networks, uncompiled, as every bench builds them with tensorfold's layers:
 *
 * - MLP 784-512-256-10: dense 512 and 256 with ReLU (named `h1`, `h2`), dense 10 with softmax.
 * - LeNet-5 as `@tensorfold/models-cnn` builds it by default (the lecture's variant for 28x28 digits):
 *   conv 8@3x3 same, max-pool 2, conv 16@5x5 valid (named `c2`), max-pool 2, dense 120, 84, 10 with
 *   softmax. 62,430 parameters.
 *
 * The names are what the compress suite's decompositions address; they change no weight (the
 * initializers draw from the generator that `setSeed` seeds, in layer order).
 */
import { type Sequential, sequential } from '@tensorfold/core';
import { conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';

/** The MLP 784-512-256-10 (input `[batch, 784]`, output `[batch, 10]`). */
export function mlpNetwork(): Sequential {
  return sequential({
    layers: [
      dense({ units: 512, activation: 'relu', inputShape: [784], name: 'h1' }),
      dense({ units: 256, activation: 'relu', name: 'h2' }),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/**
 * LeNet-5 (input `[batch, 28, 28, 1]`, output `[batch, 10]`); `activation`: that of its hidden layers
 * (default `'relu'`; `'tanh'` as LeCun's).
 */
export function lenet5Network(activation: 'relu' | 'tanh' = 'relu'): Sequential {
  return sequential({
    layers: [
      conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation, inputShape: [28, 28, 1] }),
      maxPooling2d({ poolSize: 2 }),
      conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation, name: 'c2' }),
      maxPooling2d({ poolSize: 2 }),
      flatten(),
      dense({ units: 120, activation }),
      dense({ units: 84, activation }),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
}
