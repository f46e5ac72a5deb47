// XOR four ways (seed 003): impossible for one neuron, possible for two layers of logic neurons, for
// Madaline trained by MRI, and for a 2-2-1 multilayer perceptron trained by backpropagation.
import '@tensorflow/tfjs-backend-cpu';
import { setSeed, tf } from '@tensorfold/core';
import { adam } from '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { xorNetwork } from './logic-network.js';
import { Madaline } from './madaline.js';
import { mlp } from './mlp.js';
import { Perceptron } from './perceptron.js';
import { linearSeparability } from './separability.js';
import { logicData } from './toy-data.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

const { x, y } = logicData('xor');

describe('XOR', () => {
  it('is not linearly separable, so a perceptron never converges on it', () => {
    expect(linearSeparability(y).separable).toBe(false);
    expect(new Perceptron().fit(x, y, { epochs: 100, learningRate: 0.1 }).converged).toBe(false);
  });

  it('is computed by the two-layer logic network', () => {
    expect(xorNetwork().predict(x)).toEqual(y);
  });

  it('is learned by Madaline with MRI (inputs and targets in bipolar form)', () => {
    const bipolar = x.map((row) => row.map((v) => 2 * v - 1));
    const m = new Madaline();
    expect(m.fit(bipolar, y, { seed: 42 }).converged).toBe(true);
    expect(m.predict(bipolar)).toEqual(y.map((v) => 2 * v - 1));
  });

  it('is learned by a 2-2-1 mlp with backpropagation', async () => {
    // With two hidden units backpropagation can stall in a local minimum: with these settings seeds 5,
    // 8 and 9 of 0 to 9 do (measured); seed 3 is one that learns.
    setSeed(3);
    const model = mlp({
      inputShape: [2],
      hiddenUnits: [2],
      outputUnits: 1,
      activation: 'tanh',
      outputActivation: 'sigmoid',
    });
    expect(model.countParams()).toBe(2 * 2 + 2 + 2 + 1);
    // Adam at a large rate: 2-2-1 has few weights, and full-batch steps on 4 rows are cheap.
    model.compile({
      optimizer: adam({ learningRate: 0.1 }),
      loss: 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
    const xs = tf.tensor2d(x);
    const ys = tf.tensor2d(y.map((v) => [v]));
    const history = await model.fit(xs, ys, { epochs: 300, batchSize: 4, shuffle: false, verbose: 0 });
    expect(history.history.accuracy.at(-1)).toBe(1);
    const p = model.predict(xs) as tf.Tensor;
    expect(Array.from(await p.data()).map((v) => (v >= 0.5 ? 1 : 0))).toEqual(y);
    p.dispose();
    // Further training leaves no tensor behind.
    const before = tf.memory().numTensors;
    await model.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ys]);
  });
});
