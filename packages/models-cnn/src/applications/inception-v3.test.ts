import { useBackend } from '@tensorfold/backend';
import { ConfigError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { inceptionV3 } from './inception-v3.js';

// A big model: built once with and once without the top on the CPU backend, disposed at once.
beforeAll(() => useBackend('cpu'));

describe('inceptionV3', () => {
  it("has Keras's parameter counts and layer names", async () => {
    const before = tf.memory().numTensors;
    const full = await inceptionV3();
    expect(full.countParams()).toBe(23_851_784);
    expect(full.name).toBe('inception_v3');
    expect(full.layers.slice(1, 4).map((l) => l.name)).toEqual([
      'conv2d',
      'batch_normalization',
      'activation',
    ]);
    expect(full.layers.at(-1)?.name).toBe('predictions');
    expect(full.layers.at(-2)?.name).toBe('avg_pool');
    full.dispose();
    const notop = await inceptionV3({ includeTop: false });
    expect(notop.countParams()).toBe(21_802_784);
    expect(notop.layers.at(-1)?.name).toBe('mixed10');
    notop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pools without the top and runs on its smallest images', async () => {
    const pooled = await inceptionV3({ includeTop: false, pooling: 'avg', inputShape: [75, 75, 3] });
    expect(pooled.outputs[0].shape).toEqual([null, 2048]);
    const y = pooled.predict(tf.ones([1, 75, 75, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 2048]);
    y.dispose();
    pooled.dispose();
  });

  it('refuses images below its minimum size, saying to resize', async () => {
    await expect(inceptionV3({ inputShape: [74, 75, 3] })).rejects.toThrow(ConfigError);
    await expect(inceptionV3({ inputShape: [74, 75, 3] })).rejects.toThrow(/resize/);
  });
});
