import { sequential, tf } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import { adam } from '@tensorfold/optim';
import { choice, floatRange, intRange } from '../tune/space.js';
import type { TuneArgs } from '../tune/tune.js';

/** Three Gaussian blobs in 4-D, 30 samples each, interleaved: `x` [90, 4], `y` [90] class ids. */
export function blobs(): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const labels = Array.from({ length: 90 }, (_, i) => i % 3);
    const centres = tf.tensor2d([
      [2, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 2, 0],
    ]);
    const noise = tf.randomNormal([90, 4], 0, 1, 'float32', 7);
    const y = tf.tensor1d(labels, 'float32');
    return { x: tf.add(tf.gather(centres, tf.tensor1d(labels, 'int32')), noise), y };
  });
}

/** The search of the tune tests: units, learning rate and the activation of a small MLP. */
export function searchArgs(x: tf.Tensor, y: tf.Tensor, logdir?: string): TuneArgs {
  return {
    build: (hp) => {
      const model = sequential({
        layers: [
          dense({ units: hp.units as number, activation: hp.activation as 'relu' | 'tanh', inputShape: [4] }),
          dense({ units: 3, activation: 'softmax' }),
        ],
      });
      model.compile({
        optimizer: adam({ learningRate: hp.learningRate as number }),
        loss: 'sparseCategoricalCrossentropy',
        metrics: ['accuracy'],
      });
      return model;
    },
    space: {
      units: intRange(4, 16, { step: 4 }),
      learningRate: floatRange(1e-3, 1e-1, { log: true }),
      activation: choice(['relu', 'tanh']),
    },
    objective: 'val_loss',
    maxTrials: 4,
    seed: 3,
    logdir,
    data: { x, y, validationSplit: 0.3 },
    fit: { epochs: 5, batchSize: 16 },
    patience: 2,
  };
}
