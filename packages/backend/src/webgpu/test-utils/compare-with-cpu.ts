import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { useBackend } from '../../init-backend.js';

/** Shapes and values of `f()`'s outputs on `backend`; checks that no tensor or buffer is left behind. */
export async function outputsOn(
  backend: 'cpu' | 'webgpu',
  f: () => tf.Tensor | tf.Tensor[],
): Promise<{ shapes: number[][]; dtypes: string[]; values: number[][] }> {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const dataIds = backend === 'webgpu' ? (tf.backend() as WebGPUBackend).numDataIds() : 0;
  const result = tf.tidy(f);
  const outputs = Array.isArray(result) ? result : [result];
  const values = await Promise.all(outputs.map(async (t) => Array.from(await t.data())));
  const shapes = outputs.map((t) => t.shape);
  const dtypes = outputs.map((t) => t.dtype);
  tf.dispose(outputs);
  expect(tf.memory().numTensors).toBe(before);
  if (backend === 'webgpu') expect((tf.backend() as WebGPUBackend).numDataIds()).toBe(dataIds);
  return { shapes, dtypes, values };
}

/**
 * Runs `f` on WebGPU with every kernel on the GPU (tfjs-backend-webgpu otherwise computes small
 * tensors that are still on the CPU with its CPU kernels) and on the CPU backend, and expects the
 * same shapes, dtypes and values (within 1e-4 relative; NaN equals NaN).
 */
export async function expectWebgpuMatchesCpu(f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const forward = tf.env().getBool('WEBGPU_CPU_FORWARD');
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  let got: Awaited<ReturnType<typeof outputsOn>>;
  try {
    got = await outputsOn('webgpu', f);
  } finally {
    tf.env().set('WEBGPU_CPU_FORWARD', forward);
  }
  const want = await outputsOn('cpu', f);
  expect(got.shapes).toEqual(want.shapes);
  expect(got.dtypes).toEqual(want.dtypes);
  want.values.forEach((expected, o) => {
    expected.forEach((e, i) => {
      const a = got.values[o][i];
      if (Number.isNaN(e)) expect(a).toBeNaN();
      else expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(e)));
    });
  });
}
