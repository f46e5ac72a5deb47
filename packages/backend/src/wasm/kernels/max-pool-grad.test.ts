import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { sequence } from '../test-utils/run-kernel.js';

interface PoolCase {
  shape: [number, number, number, number];
  values: Float32Array;
  filterSize: number;
  strides: number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** `maxPool`'s forward output on `backend`, then its MaxPoolGrad kernel, read back. */
async function maxPoolGradOn(backend: 'cpu' | 'wasm', c: PoolCase): Promise<Float32Array> {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(c.values, c.shape);
  const y = tf.maxPool(x, c.filterSize, c.strides, c.pad, c.dimRoundingMode);
  const dy = tf.tensor(sequence(y.size, 7), y.shape);
  const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, {
    filterSize: c.filterSize,
    strides: c.strides,
    pad: c.pad,
    dimRoundingMode: c.dimRoundingMode,
  } as tf.NamedAttrMap) as tf.Tensor;
  const values = Float32Array.from(await dx.data());
  tf.dispose([x, y, dy, dx]);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

/** Values drawn from a few levels, so that windows hold ties. */
function levels(size: number, count: number, seed: number): Float32Array {
  return sequence(size, seed).map((v) => Math.floor((v + 1) * (count / 2)) / count);
}

describe('WASM MaxPoolGrad', () => {
  const cases: Array<[string, PoolCase]> = [
    [
      'ties, 2x2 stride 2',
      { shape: [2, 6, 6, 3], values: levels(216, 3, 1), filterSize: 2, strides: 2, pad: 'valid' },
    ],
    [
      'ties, 2x2 stride 2, 8 channels (the SIMD kernel)',
      { shape: [2, 6, 4, 8], values: levels(384, 3, 9), filterSize: 2, strides: 2, pad: 'valid' },
    ],
    [
      'all-negative windows, 4 channels (the SIMD kernel)',
      {
        shape: [1, 4, 4, 4],
        values: sequence(64, 10).map((v) => -2 - v),
        filterSize: 2,
        strides: 2,
        pad: 'valid',
      },
    ],
    [
      'ties, 2x2 stride 2 on odd sizes (the last row and column are in no window)',
      { shape: [2, 7, 5, 4], values: levels(280, 3, 7), filterSize: 2, strides: 2, pad: 'valid' },
    ],
    [
      'ties, 2x2 stride 2 same on odd sizes (windows cut by the padding)',
      { shape: [1, 5, 5, 3], values: levels(75, 3, 8), filterSize: 2, strides: 2, pad: 'same' },
    ],
    [
      'ties, overlapping 3x3 windows, stride 1, same',
      { shape: [2, 5, 5, 2], values: levels(100, 2, 2), filterSize: 3, strides: 1, pad: 'same' },
    ],
    [
      'odd sizes, 3x3 stride 2 same',
      { shape: [1, 7, 6, 3], values: sequence(126, 3), filterSize: 3, strides: 2, pad: 'same' },
    ],
    [
      'all-negative windows',
      {
        shape: [1, 4, 4, 2],
        values: sequence(32, 4).map((v) => -2 - v),
        filterSize: 2,
        strides: 2,
        pad: 'valid',
      },
    ],
    [
      'numeric padding with dimRoundingMode floor',
      {
        shape: [1, 8, 8, 2],
        values: sequence(128, 5),
        filterSize: 3,
        strides: 2,
        pad: 1,
        dimRoundingMode: 'floor',
      },
    ],
  ];

  it.each(cases)(
    'gives each window gradient to the same position as the CPU backend: %s',
    async (_name, c) => {
      const want = await maxPoolGradOn('cpu', c);
      const got = await maxPoolGradOn('wasm', c);
      // Overlapping windows add into the same position in another order than the CPU backend: 1e-6.
      const off = Array.from(got).findIndex((v, i) => !(Math.abs(v - want[i]) <= 1e-6));
      expect(off, `element ${off}: ${got[off]}, CPU gives ${want[off]}`).toBe(-1);
    },
  );

  it.each([
    [2, 'JavaScript'],
    [4, 'SIMD'],
  ])(
    'passes no gradient from an all -Infinity window, and skips NaN as the CPU backend does (%i channels: %s)',
    async (channels) => {
      const at = (row: number, col: number, channel: number) => (row * 4 + col) * channels + channel;
      const values = sequence(16 * channels, 6);
      for (const [row, col] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]) {
        for (let k = 0; k < channels; k++) values[at(row, col, k)] = Number.NEGATIVE_INFINITY; // window (0, 0)
      }
      values[at(0, 2, 0)] = Number.NaN; // window (0, 1), channel 0: a NaN among numbers
      const c: PoolCase = { shape: [1, 4, 4, channels], values, filterSize: 2, strides: 2, pad: 'valid' };
      const want = await maxPoolGradOn('cpu', c);
      const got = await maxPoolGradOn('wasm', c);
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(Array.from(got.slice(0, 2 * channels))).toEqual(new Array(2 * channels).fill(0));
      // The NaN window's gradient went to one of its numbers.
      const nanWindow = [at(0, 3, 0), at(1, 2, 0), at(1, 3, 0)].map((i) => got[i]);
      expect(nanWindow.filter((v) => v !== 0)).toHaveLength(1);
    },
  );
});
