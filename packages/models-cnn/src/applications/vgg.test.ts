import { useBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { vgg16, vgg19 } from './vgg.js';

// Big models: built once each on the CPU backend, disposed at once.
beforeAll(() => useBackend('cpu'));

describe('vgg16 and vgg19', () => {
  it("have Keras's parameter counts with and without the top", async () => {
    const before = tf.memory().numTensors;
    const counts: Record<string, number> = {};
    for (const [name, build] of [
      ['vgg16', vgg16],
      ['vgg19', vgg19],
    ] as const) {
      for (const includeTop of [true, false]) {
        const model = await build({ includeTop });
        counts[`${name}${includeTop ? '' : '_notop'}`] = model.countParams();
        if (includeTop && name === 'vgg16') {
          expect(model.name).toBe('vgg16');
          expect(model.layers.map((l) => l.name).slice(0, 4)).toEqual([
            'input_layer',
            'block1_conv1',
            'block1_conv2',
            'block1_pool',
          ]);
          expect(model.layers.slice(-4).map((l) => l.name)).toEqual(['flatten', 'fc1', 'fc2', 'predictions']);
        }
        model.dispose();
      }
    }
    expect(counts).toEqual({
      vgg16: 138_357_544,
      vgg16_notop: 14_714_688,
      vgg19: 143_667_240,
      vgg19_notop: 20_024_384,
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pools without the top, and runs on small images', async () => {
    const model = await vgg16({ includeTop: false, pooling: 'max', inputShape: [32, 32, 3] });
    expect(model.outputs[0].shape).toEqual([null, 512]);
    const y = model.predict(tf.zeros([1, 32, 32, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 512]);
    y.dispose();
    model.dispose();
    const maps = await vgg16({ includeTop: false, inputShape: [64, 48, 1] });
    expect(maps.outputs[0].shape).toEqual([null, 2, 1, 512]);
    maps.dispose();
  });
});
