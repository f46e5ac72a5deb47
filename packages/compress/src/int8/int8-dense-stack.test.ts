import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { ConfigError, loadModel, memoryIO, sequential, setSeed, tf } from '@tensorfold/core';
import { dense, dropout } from '@tensorfold/layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { denseRuns } from './chain-dense.js';
import { Int8Dense } from './int8-dense.js';
import { Int8DenseStack } from './int8-dense-stack.js';
import { hasInt8Kernel, INT8_DENSE_CHAIN } from './int8-ops.js';
import { quantizeForInference } from './quantize-for-inference.js';

const backends = await backendsForTests();

/** An MLP with a Dropout between two hidden layers, a sigmoid layer that ends a run, and softmax last. */
function mlp() {
  setSeed(8);
  return sequential({
    layers: [
      dense({ units: 48, activation: 'relu', inputShape: [40], name: 'h1' }),
      dropout({ rate: 0.3, name: 'drop' }),
      dense({ units: 36, activation: 'relu', name: 'h2' }),
      dense({ units: 33, activation: 'sigmoid', name: 'h3' }),
      dense({ units: 34, name: 'h4' }),
      dense({ units: 10, activation: 'softmax', name: 'out' }),
    ],
  });
}

/** Non-negative inputs (as images), and a few negative ones in the last rows. */
function inputs(rows: number): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.randomUniform([rows, 40], 0, 1, 'float32', 3);
    const signs = tf.concat([tf.ones([rows - 2, 40]), tf.fill([2, 40], -1)]);
    return tf.mul(x, signs) as tf.Tensor2D;
  });
}

describe.each(backends)('Int8DenseStack on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('runs each run of int8 Dense layers in one stack, computing what the layers do one by one', async () => {
    expect(hasInt8Kernel(INT8_DENSE_CHAIN)).toBe(backend === 'wasm');
    const float = mlp();
    const chained = quantizeForInference(float);
    const unchained = quantizeForInference(float, { chain: false });
    // h1, h2 (the Dropout between them left out) and h3, whose sigmoid is applied after the kernel: it
    // ends the run; then h4 and out (softmax after the kernel)
    expect(chained.layers.map((l) => l.className)).toEqual(['Int8DenseStack', 'Int8DenseStack']);
    expect(chained.layers.map((l) => l.name)).toEqual(['h1_to_h3', 'h4_to_out']);
    expect((chained.layers[0] as Int8DenseStack).units).toEqual([48, 36, 33]);
    expect((chained.layers[1] as Int8DenseStack).layerNames).toEqual(['h4', 'out']);
    expect(unchained.layers.map((l) => l.className)).toEqual([
      'Int8Dense',
      'Dropout',
      'Int8Dense',
      'Int8Dense',
      'Int8Dense',
      'Int8Dense',
    ]);
    const x = inputs(37);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) tf.dispose(chained.predict(x));
    expect(tf.memory().numTensors).toBe(before);
    const [a, b, c] = [chained, unchained, float].map((m) => m.predict(x) as tf.Tensor);
    const [fa, fb, fc] = await Promise.all([a, b, c].map((t) => t.data()));
    expect(a.shape).toEqual([37, 10]);
    expect(Array.from(fa)).toEqual(Array.from(fb));
    let largest = 0;
    for (let i = 0; i < fa.length; i++) largest = Math.max(largest, Math.abs(fa[i] - fc[i]));
    expect(largest).toBeGreaterThan(0); // int8, not the float model
    expect(largest).toBeLessThan(0.02); // probabilities within 2e-2
    tf.dispose([x, a, b, c]);
    float.dispose();
    chained.dispose();
    unchained.dispose();
  });

  it('saves and loads (a registered class), and takes inputs of rank 3', async () => {
    const float = mlp();
    const chained = quantizeForInference(float);
    const io = memoryIO();
    await chained.save(io);
    const loaded = await loadModel(io);
    expect(loaded.layers[0]).toBeInstanceOf(Int8DenseStack);
    const x = inputs(6);
    const [a, b] = [chained, loaded].map((m) => m.predict(x) as tf.Tensor);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    const stack = chained.layers[0] as Int8DenseStack;
    const x3 = tf.reshape(x, [2, 3, 40]);
    const [flat, deep] = [stack.apply(x) as tf.Tensor, stack.apply(x3) as tf.Tensor];
    expect(deep.shape).toEqual([2, 3, 33]);
    expect(Array.from(await deep.data())).toEqual(Array.from(await flat.data()));
    tf.dispose([x, x3, a, b, flat, deep]);
    float.dispose();
    chained.dispose();
    loaded.dispose();
  });
});

describe('Int8DenseStack options', () => {
  it('says what is wrong with its layers', () => {
    expect(() => new Int8DenseStack({ units: [] })).toThrow(ConfigError);
    expect(() => new Int8DenseStack({ units: [4, 0] })).toThrow(/positive integers/);
    expect(() => new Int8DenseStack({ units: [4, 3], activations: ['relu'] })).toThrow(
      /activations needs one entry per layer \(2\), got 1/,
    );
    expect(() => new Int8DenseStack({ units: [4, 3], activations: ['tanh', 'relu'] })).toThrow(
      /layer 0 has activation "tanh"; every layer but the last must be 'relu' or 'linear'/,
    );
    expect(new Int8DenseStack({ units: [4, 3], activations: ['relu', 'softmax'] }).units).toEqual([4, 3]);
  });

  it('keeps its weights once when built again (the second build throws and changes nothing)', async () => {
    const stack = new Int8DenseStack({ units: [4, 3], activations: ['relu', 'linear'] });
    stack.ensureBuilt([null, 5]);
    expect(() => stack.build([null, 5])).toThrow(/already has a weight named "kernel_0"/);
    expect(stack.getWeights().map((w) => w.shape)).toEqual([[1, 3, 8], [4], [4], [1, 2, 8], [3], [3]]);
    const y = stack.apply(tf.ones([2, 5])) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]); // two layers, not four
    y.dispose();
    stack.dispose();
  });

  it('builds the int8 model once, chained or not: one model, no tensors left behind', () => {
    const float = mlp();
    const before = tf.memory().numTensors;
    // every Dense of mlp() is in a run: chained, no Int8Dense is built on the way (once it was: a whole
    // unchained model, then the stacks)
    const builds = vi.spyOn(Int8Dense.prototype, 'build');
    const calls: string[] = [];
    const quantized = [true, false].map((chain) => {
      builds.mockClear();
      const model = quantizeForInference(float, { chain });
      calls.push(
        `${model.layers.map((l) => l.className).join()}: ${builds.mock.calls.length} Int8Dense builds`,
      );
      return model;
    });
    builds.mockRestore();
    expect(calls).toEqual([
      'Int8DenseStack,Int8DenseStack: 0 Int8Dense builds',
      'Int8Dense,Dropout,Int8Dense,Int8Dense,Int8Dense,Int8Dense: 5 Int8Dense builds',
    ]);
    // each model's weights, and nothing else: no intermediate unchained model left over
    const weights = quantized.reduce((n, m) => n + m.weights.length, 0);
    expect(tf.memory().numTensors - before).toBe(weights);
    for (const m of quantized) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    float.dispose();
  });

  it('finds no run in a model of one int8 Dense layer or of layers with other activations between', () => {
    const float = sequential({
      layers: [
        dense({ units: 8, activation: 'tanh', inputShape: [40] }),
        dense({ units: 8, activation: 'elu' }),
        dense({ units: 40 }),
      ],
    });
    const int8 = quantizeForInference(float, { minInputs: 0 });
    expect(denseRuns(int8.layers)).toEqual([]);
    expect(int8.layers.map((l) => l.className)).toEqual(['Int8Dense', 'Int8Dense', 'Int8Dense']);
    float.dispose();
    int8.dispose();
  });
});
