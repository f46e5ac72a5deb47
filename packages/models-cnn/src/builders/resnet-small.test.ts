import { useBackend } from '@tensorfold/backend';
import { setSeed, tf } from '@tensorfold/core';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { bars } from '../test-utils/bars.js';
import { resnetSmall } from './resnet-small.js';

beforeAll(() => useBackend('wasm'));

describe('resnetSmall', () => {
  it('builds stages of residual blocks with projections between stages', () => {
    const model = resnetSmall();
    const bn = (c: number) => 4 * c;
    const block = (cin: number, c: number) =>
      cin * 9 * c + bn(c) + c * 9 * c + bn(c) + (cin !== c ? cin * c + bn(c) : 0);
    const stem = 9 * 16 + bn(16);
    const stages = block(16, 16) * 2 + block(16, 32) + block(32, 32) + block(32, 64) + block(64, 64);
    expect(model.countParams()).toBe(stem + stages + 64 * 10 + 10);
    expect(model.getLayer('conv4_block1_0_conv').outputShape).toEqual([null, 7, 7, 64]);
    expect(model.getLayer('conv2_block1_add').outputShape).toEqual([null, 28, 28, 16]);
    expect(() => model.getLayer('conv2_block1_0_conv')).toThrow(/no layer named/);
    model.dispose();
  });

  it('learns the bars without leaking', async () => {
    setSeed(4);
    const { x, y } = bars(24, 12);
    const model = resnetSmall({
      inputShape: [12, 12, 1],
      numClasses: 3,
      filters: [8, 16],
      blocksPerStage: 1,
    });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 1, batchSize: 8, seed: 4 });
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 10, batchSize: 8, seed: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.history.accuracy.at(-1)).toBeGreaterThan(0.9);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad options', () => {
    expect(() => resnetSmall({ blocksPerStage: 0 })).toThrow(/blocksPerStage/);
  });
});
