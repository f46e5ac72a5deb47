import * as tf from '@tensorflow/tfjs-core';
import { MEAN_GRAD } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { tensorBits } from '../test-utils/run-kernel.js';

/** tfjs-core's Mean gradient for a mean over every element: reshape(dy), times ones, divided by n. */
const stock = (dy: tf.Tensor, shape: number[]) =>
  tf.tidy(() =>
    tf.div(
      tf.mul(
        tf.reshape(
          dy,
          shape.map(() => 1),
        ),
        tf.ones(shape),
      ),
      tf.util.sizeFromShape(shape),
    ),
  );

describe('WASM MEAN_GRAD', () => {
  it.each([
    ['a batch of 128 losses', [128], 0.7],
    ['a matrix, a quotient that rounds', [3, 7], 0.7],
    ['-0', [5], -0],
    ['NaN', [4], Number.NaN],
    ['Infinity', [2, 2], Number.POSITIVE_INFINITY],
    ['empty', [0, 3], 2],
  ])("gives tfjs-core's mean gradient bit for bit: %s", async (_, shape, value) => {
    await useBackend('wasm');
    expect(tf.getKernel(MEAN_GRAD, 'wasm')).toBeDefined();
    const before = tf.memory().numTensors;
    const x = tf.zeros(shape);
    const dy = tf.scalar(value);
    const config = tf.getKernel(MEAN_GRAD, 'wasm') as tf.KernelConfig;
    const body = config.kernelFunc;
    let calls = 0;
    config.kernelFunc = (args) => {
      calls++;
      return body(args);
    };
    const [got] = (() => {
      try {
        return tf.grads((v: tf.Tensor) => tf.mean(v))([x], dy);
      } finally {
        config.kernelFunc = body;
      }
    })();
    expect(calls).toBe(1);
    const want = stock(dy, shape);
    expect(got.shape).toEqual(shape);
    expect(await tensorBits(got)).toEqual(await tensorBits(want));
    tf.dispose([x, dy, got, want]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
