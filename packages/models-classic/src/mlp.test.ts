import { ConfigError, setSeed, tf } from '@tensorfold/core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlp } from './mlp.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

describe('mlp', () => {
  it('is the 784-512-256-10 network by default (535,818 parameters)', () => {
    const model = mlp();
    expect(model.layers.map((l) => l.className)).toEqual(['Flatten', 'Dense', 'Dense', 'Dense']);
    expect(model.countParams()).toBe(784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10);
  });

  it('takes vector inputs directly, adds dropout when asked, and sets the output activation', () => {
    const model = mlp({ inputShape: [4], hiddenUnits: [8, 8], outputUnits: 3, dropout: 0.2 });
    expect(model.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']);
    expect(model.inputs[0].shape).toEqual([null, 4]);
    const regression = mlp({ inputShape: [3], hiddenUnits: [], outputUnits: 1, outputActivation: 'linear' });
    expect(regression.countParams()).toBe(4);
    expect(regression.getLayer('output').getConfig().activation).toBe('linear');
  });

  it('learns XOR with one hidden layer', async () => {
    setSeed(5);
    const model = mlp({
      inputShape: [2],
      hiddenUnits: [8],
      outputUnits: 1,
      activation: 'tanh',
      outputActivation: 'sigmoid',
    });
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const x = tf.tensor2d([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tf.tensor2d([[0], [1], [1], [0]]);
    // Adam's default rate learns XOR within a few hundred full-batch steps.
    const history = await model.fit(x, y, { epochs: 400, batchSize: 4, shuffle: false });
    expect(history.history.accuracy.at(-1)).toBe(1);
    tf.dispose([x, y]);
  });

  it('rejects bad options', () => {
    expect(() => mlp({ hiddenUnits: [0] })).toThrow(ConfigError);
    expect(() => mlp({ dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
  });

  it('rejects an input shape that is not positive whole sizes, creating no weights', () => {
    const before = tf.memory().numTensors;
    for (const inputShape of [[], [0], [-3], [28, 28, 1.5], [Number.NaN]])
      expect(() => mlp({ inputShape })).toThrow(/inputShape must be a non-empty list of positive integers/);
    expect(() => mlp({ hiddenUnits: 16 as unknown as number[] })).toThrow(/hiddenUnits must be a list/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
