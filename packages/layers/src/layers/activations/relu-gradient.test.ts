/**
 * A standalone relu (a `ReLU` layer, `tf.relu`) differentiates through core's own Relu gradient on
 * every backend that tests run: the same values as the CPU backend's `dy * step(x)` (relu's input
 * holds negatives, zeros of both signs and positives), WASM's one-pass mask kernel, no leaks.
 */
import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { RELU_GRAD, tf } from '@tensorfold/core';
import { afterAll, describe, expect, it } from 'vitest';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { ReLU } from './activation-layers.js';

// WebGPU where it starts (skipped with a notice elsewhere).
const backends = (await backendsForTests()).filter((b) => b === 'cpu' || b === 'wasm' || b === 'webgpu');

/** `[4, 5, 3]` inputs with exact zeros (both signs) among uniform values in [-1, 1). */
async function inputs(): Promise<{ x: Float32Array; dy: Float32Array }> {
  const [xt, dyt] = [seededUniform([4, 5, 3], 11), seededUniform([4, 5, 3], 12)];
  const x = Float32Array.from(await xt.data()).map((v, i) => (i % 7 === 0 ? 0 : i % 7 === 3 ? -0 : v));
  const dy = Float32Array.from(await dyt.data());
  tf.dispose([xt, dyt]);
  return { x, dy };
}

/** The gradient of the ReLU layer at `x` for `dy`, on the backend in use. */
function layerGradient(x: Float32Array, dy: Float32Array): tf.Tensor {
  const layer = new ReLU();
  return tf.tidy(() => {
    const [g] = tf.grads((v: tf.Tensor) => layer.apply(v) as tf.Tensor)(
      [tf.tensor(x, [4, 5, 3])],
      tf.tensor(dy, [4, 5, 3]),
    );
    return g;
  });
}

describe.each(backends)("a standalone relu's gradient (%s)", (backend) => {
  afterAll(useCpu);

  it("gives the CPU backend's dy * step(x), bit for bit", async () => {
    const { x, dy } = await inputs();
    await useCpu();
    const want = tf.tidy(() => tf.mul(tf.tensor(dy, [4, 5, 3]), tf.step(tf.tensor(x, [4, 5, 3]))));
    const wantBits = Array.from(new Uint32Array(Float32Array.from(await want.data()).buffer));
    want.dispose();
    await useBackend(backend);
    const got = layerGradient(x, dy);
    expect(Array.from(new Uint32Array(Float32Array.from(await got.data()).buffer))).toEqual(wantBits);
    got.dispose();
  });

  it('runs the one-pass mask kernel where the backend registers it, and leaks nothing', async () => {
    await useBackend(backend);
    const { x, dy } = await inputs();
    const info = await tf.profile(() => layerGradient(x, dy));
    const names = info.kernelNames;
    if (tf.getKernel(RELU_GRAD, backend) != null) {
      expect(names).toContain(RELU_GRAD);
      expect(names).not.toContain('Step');
    } else {
      expect(names).toContain('Step');
    }
    (info.result as tf.Tensor).dispose();
    expect(await leakedTensors(() => layerGradient(x, dy))).toBe(0);
  });
});
