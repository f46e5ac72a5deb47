import { useBackend } from '@tensorfold/backend';
import { ConfigError, model as functional, input, memoryIO, sequential, setSeed, tf } from '@tensorfold/core';
import { conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { quantizeModel } from '../quantize/quantize.js';
import { Int8Conv2D } from './int8-conv2d.js';
import { Int8DenseStack } from './int8-dense-stack.js';
import { loadForInference } from './load-for-inference.js';
import { quantizeForInference } from './quantize-for-inference.js';

function net() {
  setSeed(7);
  return sequential({
    layers: [
      conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [10, 10, 2], name: 'c1' }),
      maxPooling2d({ poolSize: 2 }),
      flatten(),
      dense({ units: 12, activation: 'relu', name: 'f1' }),
      dense({ units: 4, activation: 'softmax', name: 'out' }),
    ],
  });
}

describe('loadForInference', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('runs an int8 file on the int8 layers with its own levels: the same as quantizeForInference of the float model', async () => {
    const float = net();
    const before = tf.memory().numTensors;
    const file = await quantizeModel(float, { dtype: 'int8' });
    const int8 = await loadForInference(file, { minInputs: 0 });
    const direct = quantizeForInference(float, { minInputs: 0 });
    expect(int8.layers.map((l) => l.className)).toEqual(direct.layers.map((l) => l.className));
    expect(int8.layers[0]).toBeInstanceOf(Int8Conv2D);
    expect(int8.layers.at(-1)).toBeInstanceOf(Int8DenseStack); // f1 and out in one call
    for (let i = 0; i < int8.layers.length; i++) {
      const [a, b] = [int8.layers[i].getWeights(), direct.layers[i].getWeights()];
      for (let w = 0; w < a.length; w++) {
        if (a[w].dtype === 'int32')
          expect(Array.from(await a[w].data())).toEqual(Array.from(await b[w].data()));
        else for (const [p, q] of zip(await a[w].data(), await b[w].data())) expect(p).toBeCloseTo(q, 6);
      }
      tf.dispose([...a, ...b]);
    }
    const x = tf.randomUniform([3, 10, 10, 2], 0, 1, 'float32', 1);
    const [y, z] = [int8.predict(x) as tf.Tensor, direct.predict(x) as tf.Tensor];
    for (const [p, q] of zip(await y.data(), await z.data())) expect(p).toBeCloseTo(q, 5);
    tf.dispose([x, y, z]);
    int8.dispose();
    direct.dispose();
    expect(tf.memory().numTensors).toBe(before);
    float.dispose();
  });

  it('takes a float32 save too (an IO handler), keeping layers of under 32 inputs float by default, but not a pooled convolution', async () => {
    const float = net();
    const io = memoryIO();
    await float.save(io);
    const int8 = await loadForInference(io);
    // c1 (18 inputs) is replaced all the same, with its max pool folded in; out (12 inputs) stays float
    expect(int8.layers.map((l) => l.className)).toEqual(['Int8Conv2D', 'Flatten', 'Int8Dense', 'Dense']);
    expect((int8.layers[0] as Int8Conv2D).maxPool).toBe(true);
    // named: only f1 is replaced, c1 stays float with its pool
    const named = await loadForInference(io, { layers: ['f1'] });
    expect(named.layers.map((l) => l.className)).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Flatten',
      'Int8Dense',
      'Dense',
    ]);
    named.dispose();
    const unfolded = await loadForInference(io, { layers: ['c1', 'f1'], fold: false });
    expect(unfolded.layers.map((l) => l.className)).toEqual([
      'Int8Conv2D',
      'MaxPooling2D',
      'Flatten',
      'Int8Dense',
      'Dense',
    ]);
    unfolded.dispose();
    int8.dispose();
    float.dispose();
  });

  it('refuses a functional model, as quantizeForInference does', async () => {
    const x = input({ shape: [4] });
    const m = functional({ inputs: x, outputs: dense({ units: 2 }).apply(x) as never });
    await expect(loadForInference(await quantizeModel(m, { dtype: 'int8' }))).rejects.toThrow(ConfigError);
    m.dispose();
  });
});

function zip<T>(a: ArrayLike<T>, b: ArrayLike<T>): [T, T][] {
  expect(a.length).toBe(b.length);
  return Array.from({ length: a.length }, (_, i) => [a[i], b[i]]);
}
