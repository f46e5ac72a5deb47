import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { type KernelInput, runKernelOn, sequence } from '../test-utils/run-kernel.js';

/** The kernel's output on WASM and on the CPU backend. */
async function onBoth(inputs: Record<string, KernelInput>, attrs: Record<string, unknown>) {
  const wasm = await runKernelOn('wasm', 'GatherV2', inputs, attrs);
  const cpu = await runKernelOn('cpu', 'GatherV2', inputs, attrs);
  expect(wasm.shape).toEqual(cpu.shape);
  return { got: Array.from(wasm.values), want: Array.from(cpu.values) };
}

const cases: Array<[string, number[], number[], number[], number, 'float32' | 'int32']> = [
  // name, x shape, indices, indices shape, axis, dtype
  ["fit's shuffled batch (rows of images)", [50, 6, 6, 1], [7, 0, 49, 7, 12], [5], 0, 'float32'],
  ['one-hot labels, int32', [20, 10], [3, 19, 0], [3], 0, 'int32'],
  ['a middle axis (slices shorter than a view pays for)', [3, 8, 5], [1, 7, 7, 0], [4], 1, 'float32'],
  ['the last axis, negative', [4, 3, 6], [5, 0, 2], [3], -1, 'float32'],
  ['2-D indices (an embedding lookup)', [12, 20], [1, 2, 3, 11, 0, 5], [2, 3], 0, 'float32'],
  ['no index', [6, 4], [], [0], 0, 'float32'],
];

describe('WASM GatherV2 by slices (gather-rows.ts)', () => {
  it.each(cases)('gives the CPU backend values: %s', async (_, shape, index, indexShape, axis, dtype) => {
    const size = shape.reduce((a, n) => a * n, 1);
    const values = sequence(size, size).map((v) => (dtype === 'int32' ? Math.round(v * 1000) : v));
    const { got, want } = await onBoth(
      { x: { values, shape, dtype }, indices: { values: index, shape: indexShape, dtype: 'int32' } },
      { axis, batchDims: 0 },
    );
    expect(got).toEqual(want);
  });

  it('leaves batchDims above 0 to the stock kernel (same values)', async () => {
    const { got, want } = await onBoth(
      {
        x: { values: sequence(24, 3), shape: [2, 3, 4] },
        indices: { values: [2, 0, 1, 1], shape: [2, 2], dtype: 'int32' },
      },
      { axis: 1, batchDims: 1 },
    );
    expect(got).toEqual(want);
  });

  it('throws on an index out of range, as stock, and leaks nothing', async () => {
    await useBackend('wasm');
    const x = tf.tensor2d(sequence(12, 4), [4, 3]);
    const indices = tf.tensor1d([1, 4], 'int32');
    const before = tf.memory().numTensors;
    expect(() => tf.gather(x, indices)).toThrow(/index value 4 is not in \[0, 3\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, indices]);
  });
});
