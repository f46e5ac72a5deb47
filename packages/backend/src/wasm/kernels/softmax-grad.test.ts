import * as tf from '@tensorflow/tfjs-core';
import { SOFTMAX_GRAD, SOFTMAX_GRAD_MAX_SIZE } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';

/** Logits and an upstream gradient `[..., classes]`, seeded. */
function inputs(shape: number[]): { z: Float32Array; dy: Float32Array } {
  const size = shape.reduce((a, n) => a * n, 1);
  const z = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 1.3) * 4);
  const dy = Float32Array.from({ length: size }, (_, i) => Math.cos(i * 0.7) * 2);
  return { z, dy };
}

/** The gradient of `sum(softmax(z) * dy)` with respect to `z` on `backend`, and the kernels it ran. */
async function gradient(backend: 'cpu' | 'wasm', shape: number[]) {
  await useBackend(backend);
  const { z: zv, dy: dyv } = inputs(shape);
  const z = tf.tensor(zv, shape);
  const dy = tf.tensor(dyv, shape);
  const before = tf.memory().numTensors;
  const info = await tf.profile(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.softmax(x), dy)))(z));
  const dz = info.result as tf.Tensor;
  const values = Float32Array.from(await dz.data());
  dz.dispose();
  const leaked = tf.memory().numTensors - before;
  tf.dispose([z, dy]);
  return { values, kernels: info.kernels.map((k) => k.name), leaked };
}

describe("WASM SOFTMAX_GRAD (core's Softmax gradient)", () => {
  it('is registered on WASM', async () => {
    await useBackend('wasm');
    expect(tf.getKernel(SOFTMAX_GRAD, 'wasm')).toBeDefined();
  });

  const shapes: Array<[string, number[]]> = [
    ["the MLP's output", [128, 10]],
    ['rank 3', [3, 5, 7]],
    ['one class', [4, 1]],
    ['a long row', [2, 1000]],
  ];
  it.each(shapes)("equals tfjs-core's gradient on the CPU backend, in one kernel: %s", async (_, shape) => {
    const want = await gradient('cpu', shape);
    const got = await gradient('wasm', shape);
    expect(got.kernels).toContain(SOFTMAX_GRAD);
    expect(got.kernels).not.toContain('Sub');
    expect(got.leaked).toBe(0);
    for (let i = 0; i < want.values.length; i++) {
      expect(Math.abs(got.values[i] - want.values[i]), `at ${i}`).toBeLessThanOrEqual(
        1e-6 * Math.max(1, Math.abs(want.values[i])),
      );
    }
  });

  it('runs up to SOFTMAX_GRAD_MAX_SIZE elements; above, the stock kernels, the same values', async () => {
    const classes = 16;
    const at = await gradient('wasm', [SOFTMAX_GRAD_MAX_SIZE / classes, classes]);
    expect(at.kernels).toContain(SOFTMAX_GRAD);
    const shape = [SOFTMAX_GRAD_MAX_SIZE / classes + 1, classes];
    const want = await gradient('cpu', shape);
    const got = await gradient('wasm', shape);
    expect(got.kernels).not.toContain(SOFTMAX_GRAD);
    expect(got.kernels).toContain('Sub');
    expect(got.leaked).toBe(0);
    for (let i = 0; i < want.values.length; i++) {
      expect(Math.abs(got.values[i] - want.values[i]), `at ${i}`).toBeLessThanOrEqual(
        1e-6 * Math.max(1, Math.abs(want.values[i])),
      );
    }
  });

  it("takes a second-order gradient through softmax (the kernel has none: the ops), as the CPU backend's", async () => {
    const second = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const { z: zv, dy: wv } = inputs([3, 10]);
      const [x0, w] = [tf.tensor(zv, [3, 10]), tf.tensor(wv, [3, 10])];
      const before = tf.memory().numTensors;
      // With respect to w, which reaches softmax's gradient as its upstream gradient (tfjs-core does
      // not differentiate through softmax's saved output, on any backend: not with respect to x0).
      const g = tf.grad((v: tf.Tensor) =>
        tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.softmax(z), v)))(x0))),
      )(w);
      const values = Float32Array.from(await g.data());
      g.dispose();
      const leaked = tf.memory().numTensors - before;
      tf.dispose([x0, w]);
      return { values, leaked };
    };
    const want = await second('cpu');
    const got = await second('wasm');
    expect(got.leaked).toBe(0);
    expect(want.values.some((v) => v !== 0)).toBe(true);
    for (let i = 0; i < want.values.length; i++) {
      expect(Math.abs(got.values[i] - want.values[i]), `at ${i}`).toBeLessThanOrEqual(
        1e-5 * Math.max(1, Math.abs(want.values[i])),
      );
    }
  });

  it('gives an empty gradient for an empty input', async () => {
    await useBackend('wasm');
    const z = tf.zeros([0, 4]);
    const dz = tf.grad((x: tf.Tensor) => tf.sum(tf.softmax(x)))(z);
    expect(dz.shape).toEqual([0, 4]);
    tf.dispose([z, dz]);
  });
});
