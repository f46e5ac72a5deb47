import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCpuTestKernel } from '../test-utils/cpu-test-kernel.js';
import { useCpu } from '../test-utils/setup.js';
import { gradKernelRunnable } from './grad-kernel-gate.js';
import { RELU_GRAD } from './relu-grad.js';

// RELU_GRAD on the CPU backend, with no gradient of its own, as WASM's.
beforeAll(async () => {
  await useCpu();
  registerCpuTestKernel(RELU_GRAD, ['dy', 'y'], ([d, y]) => d.map((v, i) => (y[i] > 0 ? v : v * 0)));
});
afterAll(() => tf.unregisterKernel(RELU_GRAD, 'cpu'));

describe('gradKernelRunnable', () => {
  it('is true for a registered kernel within its size, outside any tape; false unregistered or above the size', () => {
    expect(gradKernelRunnable(RELU_GRAD, 10)).toBe(true);
    expect(gradKernelRunnable(RELU_GRAD, 10, 10)).toBe(true);
    expect(gradKernelRunnable(RELU_GRAD, 11, 10)).toBe(false);
    expect(gradKernelRunnable('TensorfoldNoSuchKernel', 10)).toBe(false);
  });

  it('is false while a tape records (inside a function being differentiated)', () => {
    const seen: boolean[] = [];
    const x = tf.scalar(2);
    const g = tf.grad((a: tf.Tensor) => {
      seen.push(gradKernelRunnable(RELU_GRAD, 1));
      return tf.square(a);
    })(x);
    expect(seen).toEqual([false]);
    expect(gradKernelRunnable(RELU_GRAD, 1)).toBe(true);
    tf.dispose([x, g]);
  });

  it('lets a second-order gradient through relu run (the first-order one takes the kernel)', async () => {
    const x = tf.tensor1d([-1.5, 0.5, 2, -0.25, 3]);
    const first = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.relu(a))))(x));
    expect(first.kernelNames).toContain(RELU_GRAD);
    tf.dispose(first.result as tf.Tensor);
    // d/dx sum((d/dx sum(relu(x)^2))^2) = d/dx sum((2 relu(x))^2) = 8 relu(x) where x > 0
    const second = tf.grad((a: tf.Tensor) =>
      tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(tf.square(tf.relu(z))))(a))),
    )(x);
    expect(Array.from(await second.data(), (v) => v + 0)).toEqual([0, 4, 16, 0, 24]); // (+ 0: no -0)
    tf.dispose([x, second]);
  });
});
