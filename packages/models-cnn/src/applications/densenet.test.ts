import { useBackend } from '@tensorfold/backend';
import { ConfigError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseNet121 } from './densenet.js';

// A big model: built once with and once without the top on the CPU backend, disposed at once.
beforeAll(() => useBackend('cpu'));

describe('denseNet121', () => {
  it("has Keras's parameter counts and layer names", async () => {
    const before = tf.memory().numTensors;
    const full = await denseNet121();
    expect(full.countParams()).toBe(8_062_504);
    expect(full.name).toBe('densenet121');
    expect(full.layers.slice(1, 4).map((l) => l.name)).toEqual(['zero_padding2d', 'conv1_conv', 'conv1_bn']);
    expect(full.layers.at(-1)?.name).toBe('predictions');
    expect(full.layers.at(-2)?.name).toBe('avg_pool');
    full.dispose();
    const notop = await denseNet121({ includeTop: false });
    expect(notop.countParams()).toBe(7_037_504);
    expect(notop.layers.at(-1)?.name).toBe('relu');
    notop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pools without the top and runs on its smallest images', async () => {
    const pooled = await denseNet121({ includeTop: false, pooling: 'avg', inputShape: [32, 32, 3] });
    expect(pooled.outputs[0].shape).toEqual([null, 1024]);
    const y = pooled.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 1024]);
    y.dispose();
    pooled.dispose();
  });

  it('refuses images below its minimum size, saying to resize', async () => {
    await expect(denseNet121({ inputShape: [31, 32, 3] })).rejects.toThrow(ConfigError);
    await expect(denseNet121({ inputShape: [31, 32, 3] })).rejects.toThrow(/resize/);
  });
});
