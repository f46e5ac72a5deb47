import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setSimdKernelsEnabled } from '../simd/simd-kernels.js';
import { runKernelOn, sequence } from '../test-utils/run-kernel.js';

describe('WASM ClipByValue', () => {
  afterEach(() => setSimdKernelsEnabled(true));

  // 11 values: two vectors of 4 and a tail of 3, with NaN in both parts.
  const values = [
    Number.NaN,
    Number.NEGATIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    0.5,
    -3,
    7,
    Number.NaN,
    1,
    2,
    Number.NaN,
    0,
  ];
  const attrs = { clipValueMin: 1e-7, clipValueMax: 1 - 1e-7 };

  it.each([
    ['the SIMD kernel', true],
    ['the JavaScript path', false],
  ])('keeps NaN and clips the rest as the CPU backend does (%s)', async (_path, simd) => {
    setSimdKernelsEnabled(simd);
    const inputs = { x: { values, shape: [values.length] } };
    const want = await runKernelOn('cpu', 'ClipByValue', inputs, attrs);
    const got = await runKernelOn('wasm', 'ClipByValue', inputs, attrs);
    expect(Array.from(got.values)).toEqual(Array.from(want.values));
    expect(Number.isNaN(got.values[0]) && Number.isNaN(got.values[6]) && Number.isNaN(got.values[9])).toBe(
      true,
    );
  });

  it('matches the CPU backend on a larger tensor', async () => {
    const inputs = { x: { values: sequence(1001, 3).map((v) => 3 * v), shape: [7, 11, 13] } };
    const clip = { clipValueMin: -1, clipValueMax: 0.5 };
    const want = await runKernelOn('cpu', 'ClipByValue', inputs, clip);
    const got = await runKernelOn('wasm', 'ClipByValue', inputs, clip);
    expect(got.shape).toEqual([7, 11, 13]);
    expect(Array.from(got.values)).toEqual(Array.from(want.values));
  });

  it('clips int32 tensors (stock leaves values above the upper bound)', async () => {
    await useBackend('wasm');
    const x = tf.tensor1d([-5, 0, 3, 9], 'int32');
    const y = tf.clipByValue(x, 0, 4);
    expect(y.dtype).toBe('int32');
    expect(Array.from(await y.data())).toEqual([0, 0, 3, 4]);
    tf.dispose([x, y]);
  });

  it('lets a cross-entropy of NaN predictions be NaN, so the NaN-loss check can fire', async () => {
    await useBackend('wasm');
    const loss = tf.tidy(() => {
      const predictions = tf.tensor2d([[Number.NaN, 0.5, 0.5]]);
      const labels = tf.tensor2d([[1, 0, 0]]);
      return tf.neg(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(predictions, 1e-7, 1 - 1e-7)))));
    });
    expect(Number.isNaN((await loss.data())[0])).toBe(true);
    loss.dispose();
  });
});
