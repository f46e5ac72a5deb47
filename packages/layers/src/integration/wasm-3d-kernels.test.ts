/**
 * The 3D kernels the 3D layers run, on WASM against CPU. tfjs-backend-wasm 4.22 registers them, but
 * computes Conv3DBackpropInputV2, Conv3DBackpropFilterV2 (strides above 1), MaxPool3D and
 * MaxPool3DGrad wrongly (found while adding conv3d, conv3dTranspose and the 3D pooling layers);
 * `@tensorfold/backend` replaces them (see its src/wasm/kernels3d), and each case below failed
 * before it did. The layers themselves run on WASM in layers/conv/conv3d.test.ts,
 * layers/pooling/pooling3d.test.ts and, with WebGPU, in backends.test.ts.
 */
import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededUniform, useCpu } from '../test-utils/setup.js';

beforeAll(useCpu);
afterAll(() => useBackend('cpu'));

/** Largest difference between `f()` on WASM and on CPU. */
async function wasmVsCpu(f: () => tf.Tensor): Promise<number> {
  await useBackend('cpu');
  const reference = await f().data();
  await useBackend('wasm');
  const here = await f().data();
  await useBackend('cpu');
  let d = 0;
  for (let i = 0; i < here.length; i++) d = Math.max(d, Math.abs(here[i] - reference[i]));
  return d;
}

const x = () => seededUniform([2, 4, 4, 4, 2], 1) as tf.Tensor5D;
const kernel = () => seededUniform([2, 2, 2, 2, 3], 2) as tf.Tensor5D;

const hasWasm = (await backendsForTests()).includes('wasm');

describe.runIf(hasWasm)(
  '3D kernels on WASM (tfjs-backend-wasm 4.22 completed by @tensorfold/backend)',
  () => {
    it('agree with CPU: Conv3D, AvgPool3D and its gradient, MaxPool3D with valid padding', async () => {
      expect(await wasmVsCpu(() => tf.conv3d(x(), kernel(), 1, 'same'))).toBeLessThan(1e-5);
      expect(await wasmVsCpu(() => tf.conv3d(x(), kernel(), 2, 'valid', 'NDHWC'))).toBeLessThan(1e-5);
      expect(await wasmVsCpu(() => tf.avgPool3d(x(), 3, 2, 'same'))).toBeLessThan(1e-5);
      expect(await wasmVsCpu(() => tf.maxPool3d(x(), 2, 2, 'valid'))).toBe(0);
      expect(
        await wasmVsCpu(() =>
          tf.grad((v: tf.Tensor) => tf.sum(tf.avgPool3d(v as tf.Tensor5D, 2, 1, 'valid')))(x()),
        ),
      ).toBeLessThan(1e-5);
    });

    it('Conv3DBackpropInputV2 (conv3d input gradient, conv3dTranspose) agrees with CPU', async () => {
      const dy = () => seededUniform([2, 3, 3, 3, 3], 3);
      expect(
        await wasmVsCpu(() =>
          tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(v as tf.Tensor5D, kernel(), 1, 'valid'), dy())))(
            x(),
          ),
        ),
      ).toBeLessThan(1e-4);
    });

    it('Conv3DBackpropFilterV2 (conv3d kernel gradient) agrees with CPU for strides 2', async () => {
      const dy = () => seededUniform([2, 2, 2, 2, 3], 4);
      expect(
        await wasmVsCpu(() =>
          tf.grad((k: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(x(), k as tf.Tensor5D, 2, 'valid'), dy())))(
            kernel(),
          ),
        ),
      ).toBeLessThan(1e-4);
    });

    it('MaxPool3D with same padding and stride 1 agrees with CPU', async () => {
      expect(await wasmVsCpu(() => tf.maxPool3d(x(), 2, 1, 'same'))).toBe(0);
    });

    it('MaxPool3DGrad (maxPool3d gradient) agrees with CPU, also where the pool height and width differ', async () => {
      for (const [size, strides] of [
        [2, 1],
        [
          [2, 3, 2],
          [1, 2, 1],
        ],
      ] as Array<[number | [number, number, number], number | [number, number, number]]>) {
        expect(
          await wasmVsCpu(() =>
            tf.grad((v: tf.Tensor) =>
              tf.sum(tf.mul(tf.maxPool3d(v as tf.Tensor5D, size, strides, 'same'), 3)),
            )(x()),
          ),
        ).toBe(0);
      }
    });
  },
);
