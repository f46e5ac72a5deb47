import { useBackend } from '@tensorfold/backend';
import { ConfigError, setSeed, tf } from '@tensorfold/core';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { lenet5 } from './lenet5.js';

// WASM: tfjs's CPU backend trains convnets at a few samples per second.
beforeAll(() => useBackend('wasm'));

function layerParams(model: ReturnType<typeof lenet5>): number[] {
  return model.layers.map((l) => l.countParams()).filter((n) => n > 0);
}

describe('lenet5', () => {
  it("builds the slides' network: 80, 3,216, 48,120, 10,164, 850 = 62,430 parameters", () => {
    const model = lenet5();
    expect(layerParams(model)).toEqual([80, 3216, 48120, 10164, 850]);
    expect(model.countParams()).toBe(62430);
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
    expect(model.layers.map((l) => l.outputShape)).toEqual([
      [null, 28, 28, 8],
      [null, 14, 14, 8],
      [null, 10, 10, 16],
      [null, 5, 5, 16],
      [null, 400],
      [null, 120],
      [null, 84],
      [null, 10],
    ]);
  });

  it('builds the classic 32x32 LeNet-5 (6 and 16 filters of 5x5)', () => {
    const model = lenet5({ variant: 'classic' });
    expect(layerParams(model)).toEqual([156, 2416, 48120, 10164, 850]);
    expect(model.inputs[0].shape).toEqual([null, 32, 32, 1]);
  });

  it('learns: the loss falls on a small batch of synthetic digits', async () => {
    setSeed(3);
    const model = lenet5({ numClasses: 3 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    // Three "digits": a bright row, a bright column, a bright diagonal, with noise.
    const n = 48;
    const x = tf.tidy(() => {
      const images: tf.Tensor[] = [];
      for (let i = 0; i < n; i++) {
        const c = i % 3;
        const base = tf.buffer([28, 28, 1]);
        for (let k = 4; k < 24; k++) {
          if (c === 0) base.set(1, 14, k, 0);
          if (c === 1) base.set(1, k, 14, 0);
          if (c === 2) base.set(1, k, k, 0);
        }
        images.push(tf.add(base.toTensor(), tf.randomUniform([28, 28, 1], 0, 0.2, 'float32', i)));
      }
      return tf.stack(images);
    });
    const y = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 3),
      'int32',
    );
    const history = await model.fit(x, y, { epochs: 8, batchSize: 16, seed: 1 });
    expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0] * 0.5);
    expect(history.history.accuracy.at(-1)).toBeGreaterThan(0.9);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad options', () => {
    expect(() => lenet5({ numClasses: 1 })).toThrow(ConfigError);
    expect(() => lenet5({ variant: 'modern' as 'classic' })).toThrow(/Unknown LeNet-5 variant/);
  });
});
