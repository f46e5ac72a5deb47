import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { setFmaKernelsEnabled, simdKernelsFlavor } from '../simd/simd-kernels.js';
import { runKernelOn, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { matMulBySimd } from './mat-mul-by-simd.js';

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** `matMulBySimd` on fresh operands on the WASM backend; null where it left the product to XNNPACK. */
async function bySimd(aShape: number[], bShape: number[], attrs: tf.NamedAttrMap = {}) {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const a = tf.tensor(sequence(size(aShape), 1), aShape);
  const b = tf.tensor(sequence(size(bShape), 2), bShape);
  try {
    const out = matMulBySimd(tf.backend() as unknown as WasmBackendLike, { a, b }, attrs);
    if (out == null) return null;
    const result = tf.engine().makeTensorFromTensorInfo(out);
    const values = Float32Array.from(await result.data());
    result.dispose();
    return { values, shape: result.shape };
  } finally {
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  }
}

/** The CPU backend's product of the same operands. */
const onCpu = (aShape: number[], bShape: number[], attrs: Record<string, unknown> = {}) =>
  runKernelOn(
    'cpu',
    'BatchMatMul',
    {
      a: { values: sequence(size(aShape), 1), shape: aShape },
      b: { values: sequence(size(bShape), 2), shape: bShape },
    },
    { transposeA: false, transposeB: false, ...attrs },
  );

describe('WASM matMul by the SIMD kernel (FMA build)', () => {
  afterEach(() => setFmaKernelsEnabled(true));

  it.each([
    ['one k block', [16, 40], [40, 24]],
    ['k across blocks of 128, not a multiple of them', [12, 300], [300, 32]],
    ['an MLP input gradient shape', [128, 256], [256, 512]],
    ['rank 3 with a batch of 1', [1, 8, 70], [1, 70, 16]],
  ])('matches the CPU backend: %s', async (_name, aShape, bShape) => {
    expect(simdKernelsFlavor()).toBe('fma'); // relaxed SIMD: vitest.config.ts starts Node with it
    const got = await bySimd(aShape, bShape);
    const want = await onCpu(aShape, bShape);
    expect(got).not.toBeNull();
    expect(got!.shape).toEqual(want.shape);
    // FMA rounds once per multiply-add, the CPU backend twice: tolerance, not equality.
    expect(worstExcess(got!.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it.each([
    ['bias and relu', [16, 40], [40, 24], [24], 'relu'],
    ['bias [1, cols], linear', [8, 130], [130, 16], [1, 16], 'linear'],
    ['relu without bias', [8, 64], [64, 8], null, 'relu'],
  ] as const)(
    "adds _FusedMatMul's %s as the CPU backend does",
    async (_name, aShape, bShape, biasShape, activation) => {
      const inputs = {
        a: { values: sequence(size([...aShape]), 1), shape: [...aShape] },
        b: { values: sequence(size([...bShape]), 2), shape: [...bShape] },
        ...(biasShape != null
          ? { bias: { values: sequence(size([...biasShape]), 3), shape: [...biasShape] } }
          : {}),
      };
      const attrs = { transposeA: false, transposeB: false, activation };
      const want = await runKernelOn('cpu', '_FusedMatMul', inputs, attrs);
      await useBackend('wasm');
      const before = tf.memory().numTensors;
      const tensors = Object.fromEntries(
        Object.entries(inputs).map(([key, input]) => [key, tf.tensor(input.values, input.shape)]),
      );
      const out = matMulBySimd(tf.backend() as unknown as WasmBackendLike, tensors, attrs);
      expect(out).not.toBeNull();
      const result = tf.engine().makeTensorFromTensorInfo(out!);
      const got = Float32Array.from(await result.data());
      tf.dispose([result, ...Object.values(tensors)]);
      expect(tf.memory().numTensors).toBe(before);
      expect(worstExcess(got, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
      if (activation === 'relu') expect(got.some((v) => v === 0)).toBe(true);
    },
  );

  it('leaves shapes it cannot take, transposes, a bias per row and other activations to XNNPACK', async () => {
    expect(await bySimd([6, 40], [40, 16])).toBeNull(); // rows % 4
    expect(await bySimd([16, 40], [40, 10])).toBeNull(); // cols % 8
    expect(await bySimd([2, 8, 40], [2, 40, 16])).toBeNull(); // a batch
    expect(await bySimd([260, 260], [260, 8])).toBeNull(); // many rows and a large inner size
    expect(await bySimd([40, 16], [40, 16], { transposeA: true })).toBeNull();
    expect(await bySimd([16, 40], [40, 16], { activation: 'elu' })).toBeNull();
  });

  it('is not taken without relaxed SIMD: XNNPACK runs, exactly as before', async () => {
    setFmaKernelsEnabled(false);
    expect(await bySimd([16, 40], [40, 24])).toBeNull();
  });

  it('runs inside the registered kernel, transposed gradient forms included', async () => {
    const [aShape, bShape] = [
      [64, 48],
      [64, 32],
    ];
    const want = await onCpu(aShape, bShape, { transposeA: true });
    const got = await runKernelOn(
      'wasm',
      'BatchMatMul',
      {
        a: { values: sequence(size(aShape), 1), shape: aShape },
        b: { values: sequence(size(bShape), 2), shape: bShape },
      },
      { transposeA: true, transposeB: false },
    );
    expect(got.shape).toEqual([48, 32]);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
  });
});
