/**
 * The two benchmark networks of the backend issue, built twice: with tensorfold's own stack
 * (core + layers + optim) and with `@tensorflow/tfjs-layers` as the peer, layer for layer the same.
 *
 * - MLP 784-512-256-10, ReLU, softmax, Adam (learning rate 1e-3), categorical cross-entropy.
 * - LeNet-5 as `@tensorfold/models-cnn` builds it by default (the lecture's variant for 28x28
 *   digits): conv 8@3x3 same, max-pool 2, conv 16@5x5 valid, max-pool 2, dense 120, 84, 10; ReLU,
 *   softmax, Adam (1e-3), categorical cross-entropy. 62,430 parameters.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { registerCoreGradients, type Sequential, tf } from '@tensorfold/core';
import { adam, categoricalCrossentropy, sparseCategoricalCrossentropy } from '@tensorfold/optim';
import { lenet5Network, mlpNetwork } from './networks.js';

// tfjs-layers' bundle registers tfjs-core's gradients again when it loads, Relu's and Softmax's over
// core's own: put core's back, so that tensorfold trains here as it does without tfjs-layers (the
// CLI, applications). The tfjs-layers side shares the registry, so it runs core's too.
registerCoreGradients();

/** What the benchmark needs from a model: one optimization step on a batch, and cleanup. */
export interface Trainable {
  trainOnBatch(x: tf.Tensor, y: tf.Tensor): Promise<unknown>;
  dispose(): void;
}

/** The networks the suite measures. */
export type NetworkName = 'mlp' | 'lenet5';

/** Each network's training batch and input shape, as every training benchmark feeds it. */
export const TRAINING_INPUT: Readonly<Record<NetworkName, { batch: number; inputShape: number[] }>> = {
  mlp: { batch: 128, inputShape: [784] },
  lenet5: { batch: 64, inputShape: [28, 28, 1] },
};

/**
 * A tensorfold model, compiled with Adam and categorical cross-entropy. `activation`: that of the
 * LeNet-5's hidden layers (default `'relu'`; `'tanh'`, as LeCun's, for the training-ab bench of an
 * activation applied after the fused kernel). `loss`: `'categorical'` (one-hot targets, the default)
 * or `'sparse'` (class ids, as the CLI trains).
 */
export function tensorfoldModel(
  name: NetworkName,
  activation: 'relu' | 'tanh' = 'relu',
  loss: 'categorical' | 'sparse' = 'categorical',
): Trainable {
  const model: Sequential = name === 'mlp' ? mlpNetwork() : lenet5Network(activation);
  const optimizer = adam({ learningRate: 1e-3 });
  model.compile({
    optimizer,
    loss: loss === 'sparse' ? sparseCategoricalCrossentropy() : categoricalCrossentropy(),
  });
  return {
    trainOnBatch: (x, y) => model.trainOnBatch(x, y),
    dispose: () => {
      model.dispose();
      optimizer.dispose();
    },
  };
}

/** The same network in `@tensorflow/tfjs-layers`, compiled the same way. */
export function tfjsLayersModel(name: NetworkName): Trainable {
  const model = tfl.sequential();
  if (name === 'mlp') {
    model.add(tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }));
    model.add(tfl.layers.dense({ units: 256, activation: 'relu' }));
  } else {
    model.add(
      tfl.layers.conv2d({
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        inputShape: [28, 28, 1],
      }),
    );
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 120, activation: 'relu' }));
    model.add(tfl.layers.dense({ units: 84, activation: 'relu' }));
  }
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  return {
    trainOnBatch: (x, y) => model.trainOnBatch(x, y),
    dispose: () => {
      model.dispose();
      optimizer.dispose();
    },
  };
}
