import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { maxPoolPairsKernel, setMaxPoolPairsEnabled } from '../simd/max-pool-pairs.js';
import { type KernelInput, runKernelOn, sequence } from '../test-utils/run-kernel.js';

afterEach(() => setMaxPoolPairsEnabled(true));

/** The kernel's output on WASM and on the CPU backend, as arrays (NaN, -0 and -Infinity kept). */
async function onBoth(name: string, inputs: Record<string, KernelInput>, attrs: Record<string, unknown>) {
  const wasm = await runKernelOn('wasm', name, inputs, attrs);
  const cpu = await runKernelOn('cpu', name, inputs, attrs);
  expect(wasm.shape).toEqual(cpu.shape);
  return { got: Array.from(wasm.values), want: Array.from(cpu.values) };
}

/** Values drawn from a few levels (ties), with NaN, -Infinity, Infinity and -0 at some places. */
function awkward(size: number, seed: number): Float32Array {
  const special = [Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0, 0];
  return sequence(size, seed).map((v, i) =>
    i % 7 === 3 ? special[(i >> 3) % special.length] : Math.floor((v + 1) * 3) / 3 - 1,
  );
}

describe('WASM MaxPool over 2x2 windows at stride 2 (max-pool-pairs.wat)', () => {
  it('runs where WebAssembly SIMD does', async () => {
    await useBackend('wasm');
    expect(maxPoolPairsKernel(tf.backend() as unknown as WasmBackendLike)).not.toBeNull();
  });

  const cases: Array<[string, [number, number, number, number], 'valid' | 'same']> = [
    ["LeNet-5's first pool", [64, 28, 28, 8], 'valid'],
    ["LeNet-5's second pool", [4, 10, 10, 16], 'valid'],
    ['odd sizes: the last row and column are in no window', [2, 7, 5, 4], 'valid'],
    ["'same' on even sizes", [2, 6, 8, 12], 'same'],
  ];
  it.each(cases)(
    'gives the CPU backend values, ties, NaN and infinities included: %s',
    async (_, shape, pad) => {
      const size = shape.reduce((a, b) => a * b);
      const x = { values: awkward(size, size), shape };
      const { got, want } = await onBoth('MaxPool', { x }, { filterSize: 2, strides: 2, pad });
      expect(got).toEqual(want);
    },
  );

  // (Stock XNNPACK pooling, which these keep, lets NaN through where the CPU backend passes it over,
  // and may give -0 for 0: numbers only.)
  const stockCases: Array<[string, [number, number, number, number], 'valid' | 'same']> = [
    ["'same' on odd sizes (windows cut by the padding)", [1, 5, 5, 4], 'same'],
    ['3 channels', [2, 6, 6, 3], 'valid'],
  ];
  it.each(stockCases)(
    'leaves the others to the stock kernel, same values on numbers: %s',
    async (_, shape, pad) => {
      const size = shape.reduce((a, b) => a * b);
      const x = {
        values: awkward(size, size).map((v) => (Number.isFinite(v) && !Object.is(v, -0) ? v : 0.5)),
        shape,
      };
      const { got, want } = await onBoth('MaxPool', { x }, { filterSize: 2, strides: 2, pad });
      expect(got).toEqual(want);
    },
  );

  it('gives an empty output for an image smaller than the window (stock traps)', async () => {
    const x = { values: sequence(2 * 1 * 5 * 4, 4), shape: [2, 1, 5, 4] };
    const { got } = await onBoth('MaxPool', { x }, { filterSize: 2, strides: 2, pad: 'valid' });
    expect(got).toEqual([]);
  });

  it('gives -Infinity for a window of NaN, as the CPU backend', async () => {
    const values = sequence(16 * 4, 3);
    for (const i of [0, 1, 4, 5]) values.fill(Number.NaN, i * 4, i * 4 + 4); // window (0, 0), every channel
    const { got, want } = await onBoth(
      'MaxPool',
      { x: { values, shape: [1, 4, 4, 4] } },
      { filterSize: 2, strides: 2, pad: 'valid' },
    );
    expect(got.slice(0, 4)).toEqual(new Array(4).fill(Number.NEGATIVE_INFINITY));
    expect(got).toEqual(want);
  });

  it('leaves other poolings to the stock kernel with the same results as held off', async () => {
    const x = { values: sequence(2 * 9 * 9 * 4, 5), shape: [2, 9, 9, 4] };
    const attrs = { filterSize: 3, strides: 2, pad: 'valid' };
    const on = await runKernelOn('wasm', 'MaxPool', { x }, attrs);
    setMaxPoolPairsEnabled(false);
    const off = await runKernelOn('wasm', 'MaxPool', { x }, attrs);
    expect(Array.from(on.values)).toEqual(Array.from(off.values));
  });
});
