import { useBackend } from '@tensorfold/backend';
import { setSeed, tf } from '@tensorfold/core';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { bars } from '../test-utils/bars.js';
import { mobileNetSmall } from './mobilenet-small.js';

beforeAll(() => useBackend('wasm'));

describe('mobileNetSmall', () => {
  it('builds depthwise separable blocks: 9 weights per channel, then 1x1', () => {
    const model = mobileNetSmall();
    const bn = (c: number) => 4 * c;
    const sep = (cin: number, c: number) => 9 * cin + bn(cin) + cin * c + bn(c);
    const stem = 9 * 32 + bn(32);
    const blocks = sep(32, 64) + sep(64, 128) + sep(128, 128) + sep(128, 256) + sep(256, 256);
    expect(model.countParams()).toBe(stem + blocks + 2570);
    expect(model.getLayer('conv_pw_5_relu').outputShape).toEqual([null, 4, 4, 256]);
    model.dispose();
  });

  it('learns the bars without leaking', async () => {
    setSeed(5);
    const { x, y } = bars(24, 16);
    const model = mobileNetSmall({
      inputShape: [16, 16, 1],
      numClasses: 3,
      stemFilters: 8,
      blocks: [
        [16, 1],
        [32, 2],
      ],
      dropout: 0,
    });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 1, batchSize: 8, seed: 5 });
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 12, batchSize: 8, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0] * 0.7);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad options', () => {
    expect(() => mobileNetSmall({ blocks: [[16, 0]] })).toThrow(/strides/);
  });
});
