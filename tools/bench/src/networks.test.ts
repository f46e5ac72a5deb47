import { initBackend } from '@tensorfold/backend';
import { setSeed, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lenet5Network, mlpNetwork } from './networks.js';

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('the benchmark networks', () => {
  it('builds the MLP 784-512-256-10 and LeNet-5 with their parameter counts, [batch, 10] out', () => {
    const before = tf.memory().numTensors;
    for (const [model, input, count] of [
      [mlpNetwork(), [2, 784], 784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10],
      [lenet5Network(), [2, 28, 28, 1], 62_430],
      [lenet5Network('tanh'), [2, 28, 28, 1], 62_430],
    ] as const) {
      expect(model.countParams()).toBe(count);
      const y = tf.tidy(() => model.predict(tf.zeros([...input])) as tf.Tensor);
      expect(y.shape).toEqual([2, 10]);
      y.dispose();
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same weights for the same seed', () => {
    const weights = (build: () => ReturnType<typeof mlpNetwork>) => {
      setSeed(7);
      const model = build();
      const copies = model.getWeights();
      const values = copies.map((w) => Array.from(w.dataSync()));
      tf.dispose(copies);
      model.dispose();
      return values;
    };
    expect(weights(mlpNetwork)).toEqual(weights(mlpNetwork));
    expect(weights(() => lenet5Network())).toEqual(weights(() => lenet5Network()));
  });
});
