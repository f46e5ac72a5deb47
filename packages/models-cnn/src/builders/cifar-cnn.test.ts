import { useBackend } from '@tensorfold/backend';
import { setSeed, tf } from '@tensorfold/core';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { bars } from '../test-utils/bars.js';
import { cifarCnn } from './cifar-cnn.js';

beforeAll(() => useBackend('wasm'));

describe('cifarCnn', () => {
  it("builds seed 003's network: 550,570 parameters, the text's layer names", () => {
    const model = cifarCnn();
    const convs = [896, 9248, 18_496, 36_928, 73_856, 147_584];
    expect(model.countParams()).toBe(convs.reduce((a, b) => a + b) + 262_272 + 1290);
    expect(model.countParams()).toBe(550_570);
    expect(model.layers.filter((l) => l.countParams() > 0).map((l) => l.name)).toEqual([
      'C1',
      'C2',
      'C3',
      'C4',
      'C5',
      'C6',
      'D1',
      'OUTPUT',
    ]);
    model.dispose();
  });

  it('trains on 32x32x3 images (a CIFAR-format stand-in) without leaking', async () => {
    setSeed(2);
    const { x, y } = bars(24, 32, 3);
    const model = cifarCnn({ dropout: 0 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const first = await model.fit(x, y, { epochs: 1, batchSize: 8, seed: 2 });
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 5, batchSize: 8, seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.history.loss.at(-1)).toBeLessThan(first.history.loss[0]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad options', () => {
    expect(() => cifarCnn({ numClasses: 1 })).toThrow(/numClasses/);
    expect(() => cifarCnn({ dropout: -0.1 })).toThrow(/dropout/);
  });
});
