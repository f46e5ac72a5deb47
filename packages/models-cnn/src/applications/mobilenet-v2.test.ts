import { useBackend } from '@tensorfold/backend';
import { ConfigError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mobileNetV2 } from './mobilenet-v2.js';

// A big model: built once with and once without the top on the CPU backend, disposed at once.
beforeAll(() => useBackend('cpu'));

describe('mobileNetV2', () => {
  it("has Keras's parameter counts and layer names", async () => {
    const before = tf.memory().numTensors;
    const full = await mobileNetV2();
    expect(full.countParams()).toBe(3_538_984);
    expect(full.name).toBe('mobilenetv2_1.00_224');
    expect(full.layers.slice(1, 4).map((l) => l.name)).toEqual(['Conv1', 'bn_Conv1', 'Conv1_relu']);
    expect(full.layers.at(-1)?.name).toBe('predictions');
    expect(full.layers.at(-2)?.name).toBe('global_average_pooling2d');
    full.dispose();
    const notop = await mobileNetV2({ includeTop: false });
    expect(notop.countParams()).toBe(2_257_984);
    expect(notop.layers.at(-1)?.name).toBe('out_relu');
    notop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pools without the top and runs on its smallest images', async () => {
    const pooled = await mobileNetV2({ includeTop: false, pooling: 'avg', inputShape: [32, 32, 3] });
    expect(pooled.outputs[0].shape).toEqual([null, 1280]);
    const y = pooled.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 1280]);
    y.dispose();
    pooled.dispose();
  });

  it('refuses images below its minimum size, saying to resize', async () => {
    await expect(mobileNetV2({ inputShape: [31, 32, 3] })).rejects.toThrow(ConfigError);
    await expect(mobileNetV2({ inputShape: [31, 32, 3] })).rejects.toThrow(/resize/);
  });
});
