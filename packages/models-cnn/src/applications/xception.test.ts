import { useBackend } from '@tensorfold/backend';
import { ConfigError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { xception } from './xception.js';

// A big model: built once with and once without the top on the CPU backend, disposed at once.
beforeAll(() => useBackend('cpu'));

describe('xception', () => {
  it("has Keras's parameter counts and layer names", async () => {
    const before = tf.memory().numTensors;
    const full = await xception();
    expect(full.countParams()).toBe(22_910_480);
    expect(full.name).toBe('xception');
    expect(full.layers.slice(1, 4).map((l) => l.name)).toEqual([
      'block1_conv1',
      'block1_conv1_bn',
      'block1_conv1_act',
    ]);
    expect(full.layers.at(-1)?.name).toBe('predictions');
    expect(full.layers.at(-2)?.name).toBe('avg_pool');
    full.dispose();
    const notop = await xception({ includeTop: false });
    expect(notop.countParams()).toBe(20_861_480);
    expect(notop.layers.at(-1)?.name).toBe('block14_sepconv2_act');
    notop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pools without the top and runs on its smallest images', async () => {
    const pooled = await xception({ includeTop: false, pooling: 'avg', inputShape: [71, 71, 3] });
    expect(pooled.outputs[0].shape).toEqual([null, 2048]);
    const y = pooled.predict(tf.ones([1, 71, 71, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 2048]);
    y.dispose();
    pooled.dispose();
  });

  it('refuses images below its minimum size, saying to resize', async () => {
    await expect(xception({ inputShape: [70, 71, 3] })).rejects.toThrow(ConfigError);
    await expect(xception({ inputShape: [70, 71, 3] })).rejects.toThrow(/resize/);
  });
});
