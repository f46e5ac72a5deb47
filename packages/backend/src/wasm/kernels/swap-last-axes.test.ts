import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { dataMovementKernels, setSwapLastAxesEnabled } from '../simd/data-movement.js';
import { runKernelOn, sequence } from '../test-utils/run-kernel.js';
import { swapLastAxes } from './swap-last-axes.js';

/** Bits of each float, so that -0 differs from 0 and NaN payloads count. */
const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer.slice(0)));

/** Values with NaN, both infinities and both zeros among them. */
function awkward(size: number, seed: number): Float32Array {
  const special = [Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0, 0];
  return sequence(size, seed).map((v, i) => (i % 7 === 3 ? special[i % special.length] : v));
}

afterEach(() => setSwapLastAxesEnabled(true));

describe('WASM Transpose of the last two axes (data-movement.wat)', () => {
  it('runs where WebAssembly SIMD does, and only for swaps of the last two axes', async () => {
    await useBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    expect(dataMovementKernels(backend, 'swapLastAxes')).not.toBeNull();
    const x = tf.zeros([2, 8, 9]);
    const info = (perm: number[]) => swapLastAxes(backend, x as unknown as tf.TensorInfo, perm);
    for (const perm of [
      [1, 0, 2],
      [2, 1, 0],
      [0, 1, 2],
    ])
      expect(info(perm)).toBeNull();
    const swapped = info([0, 2, 1]) as tf.TensorInfo;
    expect(swapped.shape).toEqual([2, 9, 8]);
    backend.disposeData(swapped.dataId);
    expect(swapLastAxes(backend, tf.zeros([2, 2], 'bool') as unknown as tf.TensorInfo, [1, 0])).toBeNull();
    // batches of matrices under 64 elements, and matrices of fewer than 4 rows, stay stock (faster
    // there); others take the kernel
    const fewRows = tf.zeros([3, 70]);
    expect(swapLastAxes(backend, fewRows as unknown as tf.TensorInfo, [1, 0])).toBeNull();
    fewRows.dispose();
    const small = tf.zeros([100, 4, 4]);
    const eights = tf.zeros([3, 8, 8]);
    expect(swapLastAxes(backend, small as unknown as tf.TensorInfo, [0, 2, 1])).toBeNull();
    const batched = swapLastAxes(backend, eights as unknown as tf.TensorInfo, [0, 2, 1]) as tf.TensorInfo;
    expect(batched.shape).toEqual([3, 8, 8]);
    backend.disposeData(batched.dataId);
    tf.dispose([x, small, eights]);
  });

  const cases: Array<[string, number[], number[]]> = [
    ["the MLP's first weight gradient", [128, 784], [1, 0]],
    ['a product batched as [1, rows, cols]', [1, 512, 128], [0, 2, 1]],
    ['rows and columns not multiples of 4', [7, 13], [1, 0]],
    ['more than one tile of 32 columns, odd rows', [5, 70], [1, 0]],
    ['fewer than 4 rows (stock)', [3, 9], [1, 0]],
    ['fewer than 4 columns', [9, 2], [1, 0]],
    ['a row (stock)', [1, 10], [1, 0]],
    ['4 rows, fewer than 4 columns', [4, 3], [1, 0]],
    ['a batch of small matrices, rank 4 (stock)', [2, 3, 6, 5], [0, 1, 3, 2]],
    ['a batch of matrices in one call, rank 4, odd sizes', [2, 3, 9, 13], [0, 1, 3, 2]],
    ['a batch of 4x16 matrices', [5, 4, 16], [0, 2, 1]],
    ['empty', [0, 5], [1, 0]],
  ];
  it.each(cases)('gives the CPU backend transpose bit for bit: %s', async (_, shape, perm) => {
    const size = shape.reduce((a, n) => a * n, 1);
    const values = awkward(size, size + 3);
    const got = await runKernelOn('wasm', 'Transpose', { x: { values, shape } }, { perm });
    const expected = await runKernelOn('cpu', 'Transpose', { x: { values, shape } }, { perm });
    expect(got.shape).toEqual(expected.shape);
    expect(bits(got.values)).toEqual(bits(expected.values));
  });

  it('moves int32 values as they are', async () => {
    await useBackend('wasm');
    const x = tf.tensor2d(
      Int32Array.from({ length: 6 * 9 }, (_, i) => (i * 2654435761) | 0),
      [6, 9],
      'int32',
    );
    const got = tf.transpose(x);
    expect(got.dtype).toBe('int32');
    const values = await got.array();
    await useBackend('cpu');
    const onCpu = tf.tensor2d(await x.data(), [6, 9], 'int32');
    const expected = tf.transpose(onCpu);
    expect(values).toEqual(await expected.array());
    tf.dispose([onCpu, expected]);
    await useBackend('wasm');
    tf.dispose([x, got]);
  });

  it('gives the same as the stock kernel it replaces, and leaks nothing', async () => {
    await useBackend('wasm');
    const x = tf.tensor(awkward(11 * 17, 5), [11, 17]);
    const before = tf.memory().numTensors;
    const own = tf.transpose(x);
    setSwapLastAxesEnabled(false);
    const stock = tf.transpose(x);
    expect(bits((await own.data()) as Float32Array)).toEqual(bits((await stock.data()) as Float32Array));
    tf.dispose([own, stock]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
