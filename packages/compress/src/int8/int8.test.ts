import {
  CONV_LEVEL_TOP as BACKEND_CONV_LEVEL_TOP,
  INT8_CONV2D as BACKEND_CONV2D,
  INT8_DENSE_CHAIN as BACKEND_DENSE_CHAIN,
  DENSE_LEVEL_TOP as BACKEND_DENSE_LEVEL_TOP,
  INT8_MAT_MUL as BACKEND_MAT_MUL,
  packInt8Levels,
  useBackend,
} from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import {
  ConfigError,
  model as functional,
  input,
  loadModel,
  memoryIO,
  sequential,
  setSeed,
  tf,
} from '@tensorfold/core';
import { activation, batchNormalization, conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Int8Conv2D } from './int8-conv2d.js';
import { Int8Dense } from './int8-dense.js';
import {
  CONV_LEVEL_TOP,
  DENSE_LEVEL_TOP,
  hasInt8Kernel,
  INT8_CONV2D,
  INT8_DENSE_CHAIN,
  INT8_MAT_MUL,
  int8Conv2D,
  int8MatMul,
  packLevels,
  unpackLevels,
} from './int8-ops.js';
import { quantizeForInference } from './quantize-for-inference.js';

const backends = await backendsForTests();

/** Deterministic numbers in [-1, 1). */
function numbers(count: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

function lenetLike() {
  setSeed(3);
  return sequential({
    layers: [
      conv2d({
        filters: 6,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        inputShape: [12, 12, 1],
        name: 'c1',
      }),
      maxPooling2d({ poolSize: 2 }),
      conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'tanh', name: 'c2' }),
      flatten(),
      dense({ units: 20, activation: 'relu', name: 'f1' }),
      dense({ units: 10, activation: 'softmax', name: 'out' }),
    ],
  });
}

describe('the int8 kernel contract', () => {
  it('has the names and the weight layout of @tensorfold/backend', () => {
    expect([INT8_MAT_MUL, INT8_CONV2D, INT8_DENSE_CHAIN]).toEqual([
      BACKEND_MAT_MUL,
      BACKEND_CONV2D,
      BACKEND_DENSE_CHAIN,
    ]);
    const levels = Int8Array.from(numbers(7 * 11, 1), (v) => Math.round(v * 127));
    expect(Array.from(packLevels(levels, 7, 11))).toEqual(Array.from(packInt8Levels(levels, 7, 11)));
    // the activations' levels: [-63, 63] for the product, [-127, 127] for the convolution
    expect([DENSE_LEVEL_TOP, CONV_LEVEL_TOP]).toEqual([BACKEND_DENSE_LEVEL_TOP, BACKEND_CONV_LEVEL_TOP]);
  });

  it('unpacks what it packs', async () => {
    await useBackend('cpu');
    const levels = Int8Array.from(numbers(9 * 13, 2), (v) => Math.round(v * 127));
    levels[0] = -127;
    levels[1] = 127;
    const w = tf.tensor(packLevels(levels, 9, 13), [2, 5, 8], 'int32');
    const back = unpackLevels(w, 9, 13);
    expect(Array.from(await back.data())).toEqual(Array.from(levels));
    tf.dispose([w, back]);
  });
});

describe.each(backends)('int8 inference on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('has the kernels registered', () => {
    expect(hasInt8Kernel(INT8_MAT_MUL) && hasInt8Kernel(INT8_CONV2D)).toBe(true);
  });

  it('the kernels give what the tensor-op path gives', async () => {
    const before = tf.memory().numTensors;
    const levels = Int8Array.from(numbers(45 * 12, 3), (v) => Math.round(v * 127));
    const w = tf.tensor(packLevels(levels, 45, 12), [2, 23, 8], 'int32');
    const scales = tf.tensor1d(Array.from({ length: 12 }, (_, j) => 0.01 + j * 1e-3));
    const bias = tf.tensor1d(numbers(12, 4));
    const x = tf.tensor2d(numbers(6 * 45, 5), [6, 45]);
    const image = tf.tensor4d(numbers(2 * 7 * 6 * 5, 6), [2, 7, 6, 5]);
    const pairs: Array<[tf.Tensor, tf.Tensor]> = [
      [int8MatMul(x, w, scales, bias, 'relu', false), int8MatMul(x, w, scales, bias, 'relu', true)],
      ...(['same', 'valid'] as const).map((padding): [tf.Tensor, tf.Tensor] => {
        const options = {
          kernelSize: [3, 3] as [number, number],
          strides: [1, 2] as [number, number],
          padding,
        };
        return [
          int8Conv2D(image, w, scales, bias, options, false),
          int8Conv2D(image, w, scales, bias, options, true),
        ];
      }),
    ];
    for (const [kernel, ops] of pairs) {
      expect(kernel.shape).toEqual(ops.shape);
      const [a, b] = [await kernel.data(), await ops.data()];
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
    }
    tf.dispose([w, scales, bias, x, image, ...pairs.flat()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Int8Dense and Int8Conv2D follow Dense and Conv2D within the rounding', async () => {
    const float = lenetLike();
    // c1 sums 9 inputs an output, below the default minInputs (32), but its 2 x 2 max pool folds in:
    // it is replaced (pool fused); c2 (54 inputs) is replaced, f1 (36) is, out (20) stays float
    expect(quantizeForInference(float).layers.map((l) => l.className)).toEqual([
      'Int8Conv2D',
      'Int8Conv2D',
      'Flatten',
      'Int8Dense',
      'Dense',
    ]);
    // without folding, nothing is fused: c1 stays float, its max pool too
    expect(quantizeForInference(float, { fold: false }).layers.map((l) => l.className)).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Int8Conv2D',
      'Flatten',
      'Int8Dense',
      'Dense',
    ]);
    const int8 = quantizeForInference(float, { minInputs: 0 });
    // the 2 x 2 max pool after c1 is folded into it; f1 and out run as one stack
    expect(int8.layers.map((l) => l.className)).toEqual([
      'Int8Conv2D',
      'Int8Conv2D',
      'Flatten',
      'Int8DenseStack',
    ]);
    const unchained = quantizeForInference(float, { minInputs: 0, chain: false });
    expect(unchained.layers.map((l) => l.className).slice(3)).toEqual(['Int8Dense', 'Int8Dense']);
    expect((int8.layers[0] as Int8Conv2D).maxPool).toBe(true);
    const unfolded = quantizeForInference(float, { minInputs: 0, fold: false });
    expect(unfolded.layers[1].className).toBe('MaxPooling2D');
    const x = tf.tensor4d(
      numbers(8 * 144, 7).map((v) => Math.abs(v)),
      [8, 12, 12, 1],
    );
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) tf.dispose(int8.predict(x));
    expect(tf.memory().numTensors).toBe(before);
    const [yf, yq] = [float.predict(x) as tf.Tensor, int8.predict(x) as tf.Tensor];
    const [a, b] = [await yf.data(), await yq.data()];
    let largest = 0;
    for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i] - b[i]));
    expect(largest).toBeGreaterThan(0); // it is not the float model
    expect(largest).toBeLessThan(0.01); // probabilities within 1e-2
    // the fused pool computes what the MaxPooling2D layer does (a max is exact)
    const yu = unfolded.predict(x) as tf.Tensor;
    expect(Array.from(await yu.data())).toEqual(Array.from(b));
    // the stack computes what the Int8Dense layers do, one call each
    const yc = unchained.predict(x) as tf.Tensor;
    expect(Array.from(await yc.data())).toEqual(Array.from(b));
    tf.dispose([x, yf, yq, yu, yc]);
    float.dispose();
    int8.dispose();
    unfolded.dispose();
    unchained.dispose();
  });
});

describe('Int8 layers', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('hand-computed: one unit, levels and scales as the kernel says', async () => {
    const layer = new Int8Dense({ units: 1, activation: 'linear' });
    const kernel = tf.tensor2d([[1], [-0.5], [0.25]]); // scale 1/127: levels 127, -63 (-63.5: weights round half up, as quantizeModel), 32 (31.75)
    layer.setFloatWeights(kernel, tf.tensor1d([0.5]));
    // activations to [-63, 63] (DENSE_LEVEL_TOP), scale 2/63, round half to even: levels 63, 32 (31.5), -32 (-31.5)
    const x = tf.tensor2d([[2, 1, -1]]);
    const y = layer.apply(x) as tf.Tensor;
    const expected = (63 * 127 + 32 * -63 + -32 * 32) * (2 / 63) * (1 / 127) + 0.5;
    expect((await y.data())[0]).toBeCloseTo(expected, 5);
    tf.dispose([kernel, x, y]);
    layer.dispose();
  });

  it('save and load (registered classes), and other activations applied after the kernel', async () => {
    const float = sequential({
      layers: [dense({ units: 5, activation: 'sigmoid', inputShape: [4] }), dense({ units: 3 })],
    });
    const int8 = quantizeForInference(float, { minInputs: 0 });
    const io = memoryIO();
    await int8.save(io);
    const loaded = await loadModel(io);
    expect(loaded.layers[0]).toBeInstanceOf(Int8Dense);
    const x = tf.tensor2d(numbers(8, 9), [2, 4]);
    const [a, b, c] = [float, int8, loaded].map((m) => m.predict(x) as tf.Tensor);
    expect(Array.from(await b.data())).toEqual(Array.from(await c.data()));
    const [fa, fb] = [await a.data(), await b.data()];
    for (let i = 0; i < fa.length; i++) expect(Math.abs(fa[i] - fb[i])).toBeLessThan(0.02);
    tf.dispose([x, a, b, c]);
  });

  it('folds a batch norm and a ReLU after an int8 layer into it, computing the same', async () => {
    setSeed(5);
    const float = sequential({
      layers: [
        conv2d({ filters: 8, kernelSize: 3, useBias: false, inputShape: [6, 6, 4], name: 'c' }),
        batchNormalization({ name: 'c_bn' }),
        activation({ activation: 'relu', name: 'c_relu' }),
        flatten(),
        dense({ units: 12, name: 'd' }),
        batchNormalization({ name: 'd_bn', center: false }),
        activation({ activation: 'relu', name: 'd_relu' }),
        dense({ units: 3, name: 'out' }),
      ],
    });
    // moving statistics and affine parameters far from the identity
    for (const name of ['c_bn', 'd_bn']) {
      const layer = float.layers.find((l) => l.name === name)!;
      const shapes = layer.getWeights().map((w) => {
        const shape = w.shape;
        w.dispose();
        return shape;
      });
      const values = shapes.map((shape, i) =>
        tf.add(tf.randomUniform(shape, 0.5, 2, 'float32', i), i === shapes.length - 2 ? -1 : 0),
      );
      layer.setWeights(values);
      tf.dispose(values);
    }
    const folded = quantizeForInference(float);
    const unfolded = quantizeForInference(float, { fold: false });
    // out sums 12 inputs: under minInputs, it stays float
    expect(folded.layers.map((l) => l.className)).toEqual(['Int8Conv2D', 'Flatten', 'Int8Dense', 'Dense']);
    expect(unfolded.layers).toHaveLength(8);
    const x = tf.tensor4d(numbers(4 * 144, 11), [4, 6, 6, 4]);
    const [a, b, c] = [float, folded, unfolded].map((m) => m.predict(x) as tf.Tensor);
    const [fa, fb, fc] = [await a.data(), await b.data(), await c.data()];
    const scale = Math.max(...Array.from(fa, Math.abs));
    for (let i = 0; i < fa.length; i++) {
      expect(Math.abs(fb[i] - fa[i])).toBeLessThan(0.03 * scale); // int8 rounding
      expect(Math.abs(fb[i] - fc[i])).toBeLessThan(1e-3 * scale); // folding changes float rounding only
    }
    tf.dispose([x, a, b, c]);
  });

  it('folds a 2 x 2 max pool after an int8 convolution into it (after its batch norm and ReLU), and saves and loads it', async () => {
    setSeed(6);
    const float = sequential({
      layers: [
        conv2d({ filters: 8, kernelSize: 3, inputShape: [7, 7, 4], name: 'c1' }),
        batchNormalization({ name: 'c1_bn' }),
        activation({ activation: 'relu', name: 'c1_relu' }),
        maxPooling2d({ poolSize: 2, name: 'p1' }), // 5 x 5 -> 2 x 2: the odd last row and column dropped
        conv2d({ filters: 4, kernelSize: 1, activation: 'sigmoid', name: 'c2' }), // applied before the pool
        maxPooling2d({ poolSize: [2, 2], strides: 2, name: 'p2' }),
        conv2d({ filters: 4, kernelSize: 1, name: 'c3' }),
        maxPooling2d({ poolSize: 1, strides: 1, name: 'p3' }), // not 2 x 2: stays
        flatten(),
        dense({ units: 3, name: 'out' }),
      ],
    });
    const folded = quantizeForInference(float, { minInputs: 0 });
    expect(folded.layers.map((l) => l.className)).toEqual([
      'Int8Conv2D',
      'Int8Conv2D',
      'Int8Conv2D',
      'MaxPooling2D',
      'Flatten',
      'Int8Dense',
    ]);
    expect(folded.layers.map((l) => (l as Int8Conv2D).maxPool)).toEqual([
      true,
      true,
      false,
      undefined,
      undefined,
      undefined,
    ]);
    const unfolded = quantizeForInference(float, { minInputs: 0, fold: false });
    expect(unfolded.layers).toHaveLength(10);
    const io = memoryIO();
    await folded.save(io);
    const loaded = await loadModel(io);
    expect((loaded.layers[0] as Int8Conv2D).maxPool).toBe(true);
    const x = tf.tensor4d(numbers(3 * 196, 12), [3, 7, 7, 4]);
    const [a, b, c, d] = [float, folded, unfolded, loaded].map((m) => m.predict(x) as tf.Tensor);
    const [fa, fb, fc, fd] = await Promise.all([a, b, c, d].map((t) => t.data()));
    expect(b.shape).toEqual([3, 3]);
    expect(Array.from(fd)).toEqual(Array.from(fb));
    const scale = Math.max(...Array.from(fa, Math.abs));
    for (let i = 0; i < fa.length; i++) {
      expect(Math.abs(fb[i] - fa[i])).toBeLessThan(0.03 * scale); // int8 rounding
      expect(Math.abs(fb[i] - fc[i])).toBeLessThan(1e-3 * scale); // folding changes float rounding only
    }
    tf.dispose([x, a, b, c, d]);
  });

  it('names what it cannot replace, and refuses functional models', () => {
    const float = lenetLike();
    expect(() => quantizeForInference(float, { layers: ['nope'] })).toThrow(/no layer "nope".*c1, /);
    const pool = float.layers[1].name;
    expect(() => quantizeForInference(float, { layers: [pool] })).toThrow(
      /MaxPooling2D; only Dense and Conv2D/,
    );
    const only = quantizeForInference(float, { layers: ['f1'] });
    expect(only.layers.map((l) => l.className)).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Conv2D',
      'Flatten',
      'Int8Dense',
      'Dense',
    ]);
    const dilated = sequential({
      layers: [conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, inputShape: [8, 8, 1], name: 'd' })],
    });
    expect(() => quantizeForInference(dilated, { layers: ['d'] })).toThrow(/it is dilated/);
    expect(quantizeForInference(dilated).layers[0].className).toBe('Conv2D');
    const i = input({ shape: [3] });
    const f = functional({ inputs: i, outputs: dense({ units: 2 }).apply(i) as never });
    expect(() => quantizeForInference(f)).toThrow(ConfigError);
    expect(() => new Int8Conv2D({ filters: 2, kernelSize: 3, padding: 'causal' as never })).toThrow(
      ConfigError,
    );
  });
});
