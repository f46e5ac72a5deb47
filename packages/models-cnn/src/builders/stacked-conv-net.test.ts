import { useBackend } from '@tensorfold/backend';
import { ConfigError, setSeed, tf } from '@tensorfold/core';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { bars } from '../test-utils/bars.js';
import { stackedConvNet } from './stacked-conv-net.js';

beforeAll(() => useBackend('wasm'));

describe('stackedConvNet', () => {
  it("builds the text's one-block network on 128x128x3 rock-paper-scissors images", () => {
    const model = stackedConvNet({ blocks: 1 });
    // conv 3*9*16+16, dense (63*63*16)*128+128, output 128*3+3
    expect(model.countParams()).toBe(448 + 8_128_640 + 387);
    expect(model.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'flatten', 'dense', 'output']);
    model.dispose();
  });

  it('adds a block at a time: 16, 32, 64, 128 filters, with same padding on 28x28', () => {
    const counts = [1, 2, 3, 4].map((blocks) => {
      const model = stackedConvNet({ blocks, inputShape: [28, 28, 1], numClasses: 10, padding: 'same' });
      const n = model.countParams();
      expect(model.outputs[0].shape).toEqual([null, 10]);
      model.dispose();
      return n;
    });
    // 2 blocks: 160 + 4,640 conv, flatten 7*7*32 = 1,568 -> 200,832 dense, 1,290 output
    expect(counts[1]).toBe(160 + 4640 + 200_832 + 1290);
    // 4 blocks end on 1x1x128: + 18,496 + 73,856 conv, dense 128*128+128
    expect(counts[3]).toBe(160 + 4640 + 18_496 + 73_856 + 16_512 + 1290);
  });

  it('learns the bars with dropout, and leaks no tensors', async () => {
    setSeed(1);
    const { x, y } = bars(30, 12);
    const model = stackedConvNet({
      blocks: 2,
      inputShape: [12, 12, 1],
      padding: 'same',
      dropout: 0.2,
      filters: [8, 8],
    });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 1, batchSize: 10, seed: 1 });
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 10, batchSize: 10, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.history.accuracy.at(-1)).toBeGreaterThan(0.9);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad options, saying what to pass', () => {
    expect(() => stackedConvNet({ blocks: 5 })).toThrow(/1 to 4/);
    expect(() => stackedConvNet({ blocks: 4, inputShape: [28, 28, 1] })).toThrow(/padding: 'same'/);
    expect(() => stackedConvNet({ blocks: 3, filters: [8, 8] })).toThrow(ConfigError);
    expect(() => stackedConvNet({ dropout: 1 })).toThrow(/\[0, 1\)/);
    expect(() => stackedConvNet({ inputShape: [28, 28] })).toThrow(/height, width, channels/);
  });
});
