import { useBackend } from '@tensorfold/backend';
import { ConfigError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resnet50 } from './resnet.js';

// A big model: built once with and once without the top on the CPU backend, disposed at once.
beforeAll(() => useBackend('cpu'));

describe('resnet50', () => {
  it("has Keras's parameter counts and layer names", async () => {
    const before = tf.memory().numTensors;
    const full = await resnet50();
    expect(full.countParams()).toBe(25_636_712);
    expect(full.name).toBe('resnet50');
    expect(full.layers.slice(1, 4).map((l) => l.name)).toEqual(['conv1_pad', 'conv1_conv', 'conv1_bn']);
    expect(full.layers.at(-1)?.name).toBe('predictions');
    expect(full.layers.at(-2)?.name).toBe('avg_pool');
    full.dispose();
    const notop = await resnet50({ includeTop: false });
    expect(notop.countParams()).toBe(23_587_712);
    expect(notop.layers.at(-1)?.name).toBe('conv5_block3_out');
    notop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pools without the top and runs on its smallest images', async () => {
    const pooled = await resnet50({ includeTop: false, pooling: 'avg', inputShape: [64, 64, 3] });
    expect(pooled.outputs[0].shape).toEqual([null, 2048]);
    const y = pooled.predict(tf.ones([1, 64, 64, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 2048]);
    y.dispose();
    pooled.dispose();
  });

  it('refuses images below its minimum size, saying to resize', async () => {
    await expect(resnet50({ inputShape: [31, 32, 3] })).rejects.toThrow(ConfigError);
    await expect(resnet50({ inputShape: [31, 32, 3] })).rejects.toThrow(/resize/);
  });
});
