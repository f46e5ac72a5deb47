/**
 * In-place fused updates against @tensorfold/backend's int8 dense stack, which keeps its layout in its
 * memory between calls: a float32 bias updated in place (same data id) is read anew by the next call.
 */
import { INT8_DENSE_CHAIN, packInt8Levels, useBackend } from '@tensorfold/backend';
import { setInt8ChainLayoutReuse } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../index.js';
import { sgd } from '../sgd.js';

beforeAll(() => useBackend('wasm'), 60_000);
afterAll(async () => {
  setInt8ChainLayoutReuse(true);
  await useBackend('cpu');
});

describe('in-place fused updates and the int8 dense stack', () => {
  it('a bias variable updated in place between two calls of the stack: the second call adds the new bias', async () => {
    const before = tf.memory().numTensors;
    const [m, k, n] = [32, 784, 64];
    const levels = Int8Array.from({ length: k * n }, (_, i) => ((i * 37) % 255) - 127);
    const w = tf.tensor(packInt8Levels(levels, k, n), [n / 8, k / 2, 8], 'int32');
    const scales = tf.fill([n], 0.001);
    const bias = tf.tidy(() => tf.variable(tf.zeros([n]))); // held by the variable alone
    const x = tf.tensor2d(
      Float32Array.from({ length: m * k }, (_, i) => (i % 28 < 4 ? 0 : (i % 97) / 97)),
      [m, k],
    ); // [m, k], MNIST-like zero borders
    const stack = async () => {
      const y = tf.engine().runKernel(INT8_DENSE_CHAIN, { x, w0: w, scales0: scales, bias0: bias }, {
        activations: ['linear'],
      } as never) as tf.Tensor;
      const values = (await y.data()) as Float32Array;
      y.dispose();
      return values;
    };
    const first = await stack();
    await stack(); // the layout now reused
    const optimizer = sgd({ learningRate: 0.5 });
    const id = bias.dataId;
    tf.tidy(() => optimizer.applyGradients([{ variable: bias, gradient: tf.ones([n]) }]));
    // written in place: the same data id, new values (bias is now -0.5)
    expect(bias.dataId).toBe(id);
    expect(Array.from(await bias.data())).toEqual(new Array(n).fill(-0.5));
    const reused = await stack();
    setInt8ChainLayoutReuse(false);
    const laidOut = await stack();
    setInt8ChainLayoutReuse(true);
    expect(Array.from(reused)).toEqual(Array.from(laidOut));
    expect(Array.from(reused)).toEqual(Array.from(first, (v) => Math.fround(v + -0.5)));
    optimizer.dispose();
    tf.dispose([w, scales, bias, x]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
