import { useBackend } from '@tensorfold/backend';
import { ConfigError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { alexNet } from './alexnet.js';

// A big model: built once with and once without the top on the CPU backend, disposed at once.
beforeAll(() => useBackend('cpu'));

describe('alexNet', () => {
  it("has Keras's parameter counts and layer names", async () => {
    const before = tf.memory().numTensors;
    const full = await alexNet();
    expect(full.countParams()).toBe(62_378_344);
    expect(full.name).toBe('alexnet');
    expect(full.layers.slice(1, 4).map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2']);
    expect(full.layers.at(-1)?.name).toBe('predictions');
    expect(full.layers.at(-2)?.name).toBe('drop7');
    full.dispose();
    const notop = await alexNet({ includeTop: false });
    expect(notop.countParams()).toBe(3_747_200);
    expect(notop.layers.at(-1)?.name).toBe('pool5');
    notop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pools without the top and runs on its smallest images', async () => {
    const base = await alexNet({ includeTop: false, pooling: 'max', inputShape: [67, 67, 3] });
    expect(base.outputs[0].shape).toEqual([null, 256]);
    const y = base.predict(tf.ones([1, 67, 67, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 256]);
    y.dispose();
    base.dispose();
  });

  it('refuses images below its minimum size, saying to resize', async () => {
    await expect(alexNet({ inputShape: [66, 67, 3] })).rejects.toThrow(ConfigError);
    await expect(alexNet({ inputShape: [66, 67, 3] })).rejects.toThrow(/resize/);
  });
});
