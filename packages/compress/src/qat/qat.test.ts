import '@tensorflow/tfjs-backend-cpu';
import '@tensorfold/optim';
import { ConfigError, loadModel, type Model, sequential, setSeed, tf } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import '../int8/int8-dense.js'; // registers Int8Dense, which quantizeForInference builds by name
import { quantizeForInference } from '../int8/quantize-for-inference.js';
import { quantizeModel } from '../quantize/quantize.js';
import { fakeQuantize, fakeQuantizeDynamic } from './fake-quant.js';
import { QatDense, quantizationAware, stripQuantizationAware } from './qat-dense.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fakeQuantize', () => {
  it('rounds to the grid, clips outside, keeps 0 exact', async () => {
    const x = tf.tensor1d([-2, -0.26, 0, 0.1, 0.74, 3]);
    const y = fakeQuantize(x, -1, 1, 2); // 4 levels over [-1, 1]: step 2/3, nudged so 0 is a level
    const v = Array.from(await y.data());
    const step = 2 / 3;
    for (const value of v) expect(Math.abs(value / step - Math.round(value / step))).toBeLessThan(1e-5);
    expect(v[2]).toBe(0);
    expect(v[0]).toBeCloseTo(-2 * step, 5); // clipped to the lowest level
    expect(v[5]).toBeCloseTo(step, 5); // clipped to the highest
    tf.dispose([x, y]);
    expect(() => fakeQuantize(tf.scalar(1), 0, 1, 1)).toThrow(ConfigError);
  });

  it('passes the gradient straight through inside the range and blocks it outside', async () => {
    const x = tf.tensor1d([-3, -0.5, 0.2, 0.9, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(fakeQuantize(t, -1, 1), tf.tensor1d([1, 2, 3, 4, 5]))))(
      x,
    );
    expect(Array.from(await g.data())).toEqual([0, 2, 3, 4, 0]);
    const before = tf.memory().numTensors;
    const gd = tf.grad((t: tf.Tensor) => tf.sum(fakeQuantizeDynamic(t)))(x);
    expect(Array.from(await gd.data())).toEqual([1, 1, 1, 1, 1]); // the range is x's own: nothing clipped
    gd.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g]);
  });
});

describe('quantizationAware', () => {
  function mlp(): Model {
    setSeed(2);
    return sequential({
      layers: [
        dense({ units: 16, activation: 'relu', inputShape: [8] }),
        dense({ units: 3, activation: 'softmax' }),
      ],
    });
  }

  it('swaps Dense for QatDense with the same weights, trains, saves, loads, and strips back', async () => {
    const model = mlp();
    const qat = quantizationAware(model);
    expect(qat.layers.every((l) => l instanceof QatDense)).toBe(true);
    const x = tf.randomUniform([48, 8], -1, 1, 'float32', 4);
    const y = tf.tensor1d(Array.from({ length: 48 }, (_, i) => i % 3));
    const [a, b] = [model.predict(x) as tf.Tensor, qat.predict(x) as tf.Tensor];
    const close = tf.max(tf.abs(tf.sub(a, b)));
    expect((await close.data())[0]).toBeLessThan(0.02); // only 8-bit rounding apart
    qat.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const history = await qat.fit(x, y, { epochs: 8, batchSize: 16, verbose: 0, seed: 1 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    const reloaded = await loadModel(await (await import('@tensorfold/core')).modelToArtifacts(qat));
    expect(reloaded.layers[0].className).toBe('QatDense');
    const plain = stripQuantizationAware(qat);
    expect(plain.layers.map((l) => l.className)).toEqual(['Dense', 'Dense']);
    const q = await quantizeModel(plain, { dtype: 'uint8' });
    expect(q.weightSpecs?.every((s) => s.quantization?.dtype === 'uint8')).toBe(true);
    tf.dispose([x, y, a, b, close]);
    for (const m of [model, qat, reloaded, plain]) m.dispose();
  });

  it('rounds as Int8Dense and the int8 product kernel: weights per unit to [-127, 127], inputs per row to [-63, 63]', async () => {
    setSeed(5);
    const model = sequential({ layers: [dense({ units: 6, activation: 'linear', inputShape: [40] })] });
    const x = tf.randomNormal([7, 40], 0, 1, 'float32', 9); // [rows, in], signed
    const int8 = quantizeForInference(model, { minInputs: 0 });
    const gap = async (bits: number) => {
      const qat = quantizationAware(model, { activationBits: bits });
      const d = tf.tidy(() =>
        tf.max(tf.abs(tf.sub(qat.predict(x) as tf.Tensor, int8.predict(x) as tf.Tensor))),
      );
      const value = (await d.data())[0];
      tf.dispose(d);
      qat.dispose();
      return value;
    };
    // the same levels: only float rounding apart (an input grid of 127 levels a side would be ~1e-2 off)
    expect(await gap(8)).toBeLessThan(1e-5);
    expect(await gap(7)).toBeLessThan(1e-5);
    // a coarser grid than the kernel's is a different computation
    expect(await gap(6)).toBeGreaterThan(1e-3);
    tf.dispose(x);
    for (const m of [model, int8]) m.dispose();
  });
});
