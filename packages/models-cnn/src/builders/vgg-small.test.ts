import { useBackend } from '@tensorfold/backend';
import { setSeed, tf } from '@tensorfold/core';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { bars } from '../test-utils/bars.js';
import { vggSmall } from './vgg-small.js';

beforeAll(() => useBackend('wasm'));

describe('vggSmall', () => {
  it('builds three VGG blocks with BN on 28x28x1: 586,282 parameters', () => {
    const model = vggSmall();
    const bn = (c: number) => 4 * c;
    const block1 = 1 * 9 * 32 + bn(32) + 32 * 9 * 32 + bn(32);
    const block2 = 32 * 9 * 64 + bn(64) + 64 * 9 * 64 + bn(64);
    const block3 = 64 * 9 * 128 + bn(128) + 128 * 9 * 128 + bn(128);
    const head = 3 * 3 * 128 * 256 + bn(256) + 256 * 10 + 10;
    expect(model.countParams()).toBe(block1 + block2 + block3 + head);
    expect(model.countParams()).toBe(586_282);
    expect(model.getLayer('block3_pool').outputShape).toEqual([null, 3, 3, 128]);
    model.dispose();
  });

  it('without BN, convs carry biases and ReLU', () => {
    const model = vggSmall({ batchNorm: false, filters: [8], dropout: 0 });
    expect(model.countParams()).toBe(80 + 8 * 9 * 8 + 8 + (14 * 14 * 8 * 256 + 256) + 2570);
    model.dispose();
  });

  it('learns the bars without leaking', async () => {
    setSeed(3);
    const { x, y } = bars(24, 16);
    const model = vggSmall({ inputShape: [16, 16, 1], numClasses: 3, filters: [8, 16], denseUnits: 32 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const first = await model.fit(x, y, { epochs: 1, batchSize: 8, seed: 3 });
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 8, batchSize: 8, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.history.loss.at(-1)).toBeLessThan(first.history.loss[0] * 0.5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad options', () => {
    expect(() => vggSmall({ filters: [] })).toThrow(/filters/);
    expect(() => vggSmall({ inputShape: [0, 28, 1] })).toThrow(/inputShape/);
  });
});
