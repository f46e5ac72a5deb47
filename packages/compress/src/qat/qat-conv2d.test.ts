import '@tensorflow/tfjs-backend-cpu';
import '@tensorfold/optim';
import { loadModel, type Model, modelToArtifacts, sequential, setSeed, tf } from '@tensorfold/core';
import { conv2d, dense, flatten } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import '../int8/int8-conv2d.js'; // registers Int8Conv2D and Int8Dense, which quantizeForInference builds by name
import '../int8/int8-dense.js';
import { quantizeForInference } from '../int8/quantize-for-inference.js';
import { fakeQuantizeSymmetric } from './fake-quant.js';
import { QatConv2D } from './qat-conv2d.js';
import { QatDense, quantizationAware, stripQuantizationAware } from './qat-dense.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fakeQuantizeSymmetric', () => {
  it('rounds each slice to its own 8-bit grid, keeps its largest |x| exact, and passes the gradient straight through', async () => {
    const x = tf.tensor2d([
      [0.5, -1, 0.26, 0.001],
      [30, 2, -7.3, 0],
    ]);
    const y = fakeQuantizeSymmetric(x, [1]); // one scale per row
    const rows = (await y.array()) as number[][];
    for (const [r, max] of [
      [0, 1],
      [1, 30],
    ]) {
      const step = max / 127;
      for (const v of rows[r]) expect(Math.abs(v / step - Math.round(v / step))).toBeLessThan(1e-4);
      expect(Math.max(...rows[r].map(Math.abs))).toBeCloseTo(max, 5);
    }
    expect(rows[1][3]).toBe(0);
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(fakeQuantizeSymmetric(t, [1], 3), tf.onesLike(t).mul(2))),
    )(x);
    expect(Array.from(await g.data())).toEqual(Array(8).fill(2));
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    expect(() => fakeQuantizeSymmetric(tf.scalar(1), [], 1)).toThrow(/bits/);
  });
});

describe('QatConv2D', () => {
  it('gradient check: the kernel and input gradients are those of the plain convolution at the fake-quantized values (straight through)', async () => {
    setSeed(4);
    const layer = new QatConv2D({ filters: 3, kernelSize: 2, activation: 'relu', inputShape: [5, 5, 2] });
    const x = tf.randomUniform([2, 5, 5, 2], -1, 1, 'float32', 9);
    layer.apply(x); // builds
    const r = tf.randomUniform([2, 4, 4, 3], -1, 1, 'float32', 10);
    const kernel = (layer.kernel as unknown as { read(): tf.Tensor }).read() as tf.Tensor4D;
    const bias = (layer.bias as unknown as { read(): tf.Tensor }).read();
    const loss = (k: tf.Tensor4D, input: tf.Tensor4D, quantized: boolean) => {
      const q = quantized ? (fakeQuantizeSymmetric(input, [1, 2, 3]) as tf.Tensor4D) : input;
      const w = quantized ? (fakeQuantizeSymmetric(k, [0, 1, 2]) as tf.Tensor4D) : k;
      return tf.sum(tf.mul(tf.relu(tf.add(tf.conv2d(q, w, 1, 'valid'), bias)), r)) as tf.Scalar;
    };
    // the layer's own output and gradients
    const layerLoss = () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar;
    const { grads } = tf.variableGrads(layerLoss, [layer.kernel?.variable as tf.Variable]);
    const got = Object.values(grads)[0];
    const gotX = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, r)))(x);
    // the plain convolution's, at the fake-quantized kernel and input
    const qk = fakeQuantizeSymmetric(kernel, [0, 1, 2]) as tf.Tensor4D;
    const qx = fakeQuantizeSymmetric(x, [1, 2, 3]) as tf.Tensor4D;
    const want = tf.grad((k: tf.Tensor) => loss(k as tf.Tensor4D, qx, false))(qk);
    const wantX = tf.grad((t: tf.Tensor) => loss(qk, t as tf.Tensor4D, false))(qx);
    expect((await layerLoss().data())[0]).toBeCloseTo(
      (await loss(kernel, x as tf.Tensor4D, true).data())[0],
      4,
    );
    const gap = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    expect(gap(got, want)).toBeLessThan(1e-5);
    expect(gap(gotX, wantX)).toBeLessThan(1e-5);
    // and they differ from the float layer's gradient (the rounding is seen)
    const floatGrad = tf.grad((k: tf.Tensor) => loss(k as tf.Tensor4D, x as tf.Tensor4D, false))(kernel);
    expect(gap(got, floatGrad)).toBeGreaterThan(1e-4);
    tf.dispose([x, r, got, gotX, qk, qx, want, wantX, floatGrad]);
    layer.dispose();
  });
});

/** 8x8 images of three classes (a horizontal, a vertical, a diagonal stroke at random places) and labels. */
function strokes(count: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const pixels = new Float32Array(count * 64);
  const labels: number[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % 3;
    labels.push(label);
    const at = 1 + Math.floor(rand() * 6);
    for (let i = 0; i < 8; i++) {
      const [row, col] = label === 0 ? [at, i] : label === 1 ? [i, at] : [i, i];
      pixels[n * 64 + row * 8 + col] = 1;
    }
    for (let p = 0; p < 64; p++) pixels[n * 64 + p] += rand() * 0.6;
  }
  return { x: tf.tensor4d(pixels, [count, 8, 8, 1]), y: tf.tensor1d(labels) };
}

function convNet(): Model {
  setSeed(6);
  return sequential({
    layers: [
      conv2d({ filters: 6, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1], name: 'c1' }),
      conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', name: 'c2' }),
      flatten(),
      dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
  });
}

async function accuracy(model: Model, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const hits = tf.tidy(() =>
    tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, -1), y), 'float32')),
  );
  const value = (await hits.data())[0] / y.shape[0];
  hits.dispose();
  return value;
}

describe('quantization-aware training of convolutions', () => {
  it('swaps Conv2D and Dense for their QAT forms with the same weights; saves, loads, strips back; 8 bits track the int8 kernels', async () => {
    const model = convNet();
    const qat = quantizationAware(model);
    expect(qat.layers.map((l) => l.className)).toEqual(['QatConv2D', 'QatConv2D', 'Flatten', 'QatDense']);
    expect(qat.layers[0]).toBeInstanceOf(QatConv2D);
    expect(qat.layers[3]).toBeInstanceOf(QatDense);
    const reloaded = await loadModel(await modelToArtifacts(qat));
    expect(reloaded.layers[1].getConfig()).toMatchObject({
      weightBits: 8,
      activationBits: 8,
      strides: [2, 2],
    });
    const plain = stripQuantizationAware(reloaded);
    expect(plain.layers.map((l) => l.className)).toEqual(['Conv2D', 'Conv2D', 'Flatten', 'Dense']);
    const { x } = strokes(12, 3);
    const int8 = quantizeForInference(plain, { minInputs: 0 });
    const [a, b] = [qat.predict(x) as tf.Tensor, int8.predict(x) as tf.Tensor];
    // the 8-bit simulation and the int8 kernels differ only in rounding details (per-tensor Dense weights in QatDense)
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(0.02);
    tf.dispose([x, a, b]);
    for (const m of [model, qat, reloaded, plain, int8]) m.dispose();
  });

  it('fine-tunes a model hurt by coarse quantization back toward its float accuracy in a few epochs', async () => {
    const train = strokes(96, 1);
    const test = strokes(60, 2);
    const model = convNet();
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await model.fit(train.x, train.y, { epochs: 40, batchSize: 16, verbose: 0, seed: 1 });
    const floatAccuracy = await accuracy(model, test.x, test.y);
    expect(floatAccuracy).toBeGreaterThan(0.8);
    // 2-bit kernels (levels -1, 0, 1 per filter) and 3-bit inputs: the rounding costs accuracy
    const qat = quantizationAware(model, { weightBits: 2, activationBits: 3 });
    const before = await accuracy(qat, test.x, test.y);
    qat.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const history = await qat.fit(train.x, train.y, { epochs: 6, batchSize: 16, verbose: 0, seed: 2 });
    const losses = history.history.loss as number[];
    const after = await accuracy(qat, test.x, test.y);
    expect(losses.at(-1)).toBeLessThan(losses[0]);
    // measured (seeded): float 96.7%, 2/3 bits 71.7% before, 86.7% after 6 epochs
    expect(after - before).toBeGreaterThan(0.05);
    expect(floatAccuracy - after).toBeLessThan(floatAccuracy - before);
    tf.dispose([train.x, train.y, test.x, test.y]);
    model.dispose();
    qat.dispose();
  }, 60_000);
});
