import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD, reluGradient } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { initBackend, useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { reluGradKernel } from '../simd/relu-grad.js';
import { runKernelOn, sequence } from '../test-utils/run-kernel.js';

/** Values with NaN, both infinities, both zeros and the smallest positive float among them. */
function awkward(size: number, seed: number): Float32Array {
  const special = [Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0, 0, 1e-45];
  return sequence(size, seed).map((v, i) => (i % 5 === 2 ? special[(i >> 2) % special.length] : v));
}

/** `tf.mul(dy, tf.step(y))` on the CPU backend: what the kernel must give, bit for bit. */
async function stockOnCpu(dy: Float32Array, y: Float32Array, shape: number[]): Promise<Float32Array> {
  await initBackend({ require: 'cpu' });
  const out = tf.tidy(() => tf.mul(tf.tensor(dy, shape), tf.step(tf.tensor(y, shape))));
  const values = Float32Array.from(await out.data());
  out.dispose();
  return values;
}

/** Bits of each float, so that -0 differs from 0 and NaN equals NaN. */
const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer.slice(0)));

describe('WASM RELU_GRAD (relu-grad.wat)', () => {
  it('runs where WebAssembly SIMD does', async () => {
    await useBackend('wasm');
    expect(reluGradKernel(tf.backend() as unknown as WasmBackendLike)).not.toBeNull();
    expect(tf.getKernel(RELU_GRAD, 'wasm')).toBeDefined();
  });

  const shapes: Array<[string, number[]]> = [
    ["LeNet-5's first layer", [64, 28, 28, 8]],
    ['a size that is not a multiple of 4 (the scalar tail)', [3, 7]],
    ['fewer than 4 elements', [3]],
    ['empty', [0, 5]],
  ];
  it.each(shapes)('gives mul(dy, step(y)) of the CPU backend bit for bit: %s', async (_, shape) => {
    const size = shape.reduce((a, n) => a * n, 1);
    const dy = awkward(size, size + 1);
    const y = awkward(size, size + 2).map((v, i) => (i % 3 === 0 ? -v : v));
    const got = await runKernelOn(
      'wasm',
      RELU_GRAD,
      { dy: { values: dy, shape }, y: { values: y, shape } },
      {},
    );
    expect(got.shape).toEqual(shape);
    expect(bits(got.values)).toEqual(bits(await stockOnCpu(dy, y, shape)));
  });

  it("is what core's reluGradient runs on WASM, and leaks nothing", async () => {
    await useBackend('wasm');
    const dy = tf.tensor(awkward(40, 1), [5, 8]);
    const y = tf.tensor(awkward(40, 2), [5, 8]);
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => reluGradient(dy, y));
    expect(info.kernelNames).toEqual([RELU_GRAD]);
    const out = info.result as tf.Tensor;
    const want = tf.tidy(() => tf.mul(dy, tf.step(y)));
    // At a NaN in y the kernel gives NaN as the CPU backend's Step does: compare the other places.
    const ys = await y.data();
    const [a, b] = [await out.data(), await want.data()];
    for (let i = 0; i < ys.length; i++) if (!Number.isNaN(ys[i])) expect(Object.is(a[i], b[i])).toBe(true);
    tf.dispose([out, want]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([dy, y]);
  });

  it("is what core's Relu gradient (a standalone relu) runs on WASM: the CPU backend's values bit for bit", async () => {
    const shape = [6, 9];
    const x = awkward(54, 3);
    const dy = awkward(54, 4);
    await initBackend({ require: 'cpu' });
    const want = tf.tidy(() => {
      const [g] = tf.grads((v: tf.Tensor) => tf.relu(v))([tf.tensor(x, shape)], tf.tensor(dy, shape));
      return g;
    });
    const wantValues = Float32Array.from(await want.data());
    want.dispose();
    await useBackend('wasm');
    const [xs, dys] = [tf.tensor(x, shape), tf.tensor(dy, shape)];
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => tf.grads((v: tf.Tensor) => tf.relu(v))([xs], dys));
    expect(info.kernelNames).toContain(RELU_GRAD);
    expect(info.kernelNames).not.toContain('Step');
    const [got] = info.result as tf.Tensor[];
    expect(bits(Float32Array.from(await got.data()))).toEqual(bits(wantValues));
    got.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, dys]);
  });
});
