import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { dataMovementKernels, setPadRowsEnabled } from '../simd/data-movement.js';
import { setDirectConvEnabled } from '../simd/direct-conv.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import {
  expectFreesAll,
  type FilterGradientCase,
  infoOf,
  runFilterGradient,
} from '../test-utils/filter-gradient-cases.js';
import { worstExcess } from '../test-utils/run-kernel.js';
import { filterGradientByRows, usesRowsFilterGradient } from './filter-gradient-by-rows.js';

type Shape4 = [number, number, number, number];

const CASES: [string, FilterGradientCase][] = [
  [
    'LeNet-5 first layer (3x3x1 to 8, same)',
    { xShape: [4, 28, 28, 1], filterShape: [3, 3, 1, 8], strides: [1, 1], pad: 'same' },
  ],
  [
    'RGB, stride 2, odd sizes',
    { xShape: [3, 9, 11, 3], filterShape: [3, 3, 3, 8], strides: [2, 2], pad: 'same' },
  ],
  [
    '5x4 to 16, valid (a run of exactly 4 taps)',
    { xShape: [2, 7, 6, 1], filterShape: [5, 4, 1, 16], strides: [1, 1], pad: 'valid' },
  ],
  [
    'explicit padding wider than the filter, 2 channels',
    {
      xShape: [2, 7, 6, 2],
      filterShape: [2, 3, 2, 8],
      strides: [1, 1],
      pad: [
        [0, 0],
        [3, 1],
        [0, 4],
        [0, 0],
      ],
    },
  ],
  [
    'a filter larger than the image',
    { xShape: [2, 3, 2, 1], filterShape: [4, 5, 1, 8], strides: [1, 1], pad: 'same' },
  ],
];

describe('WASM Conv2DBackpropFilter for few input channels (runs of taps)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  afterAll(() => {
    setFmaKernelsEnabled(true);
    setDirectConvEnabled(true);
  });

  describe.each([true, false])('FMA build %s', (fma) => {
    beforeAll(() => setFmaKernelsEnabled(fma));

    it.each(CASES)('matches the CPU backend: %s', async (_name, c) => {
      expect(usesRowsFilterGradient(infoOf(c))).toBe(true);
      const want = await runFilterGradient('cpu', c);
      const got = await runFilterGradient('wasm', c);
      expect(got.shape).toEqual(c.filterShape);
      expect(worstExcess(got.values, want.values, 1e-5)).toBeLessThanOrEqual(1e-5);
    });
  });

  it.each(CASES)('takes the gradient itself, leaking nothing: %s', async (_name, c) => {
    await expectFreesAll(c, (scope, x, dy, info) => {
      try {
        expect(filterGradientByRows(scope, x, dy, info)).not.toBeNull();
        setDirectConvEnabled(false);
        expect(filterGradientByRows(scope, x, dy, info)).toBeNull();
      } finally {
        setDirectConvEnabled(true);
      }
    });
  });

  it.each(CASES)(
    'pads the input in WASM (data-movement.wat) with the bits of the JavaScript loop: %s',
    async (_n, c) => {
      await useBackend('wasm');
      expect(dataMovementKernels(tf.backend() as unknown as WasmBackendLike, 'padRows')).not.toBeNull();
      const byWasm = await runFilterGradient('wasm', c);
      setPadRowsEnabled(false);
      try {
        const byLoop = await runFilterGradient('wasm', c);
        expect(byWasm.values).toEqual(byLoop.values);
      } finally {
        setPadRowsEnabled(true);
      }
    },
  );

  it('leaves 4 input channels to the register-blocked kernel, and dilations to the others', () => {
    const info = (filterShape: Shape4, dilation: number) =>
      tf.backend_util.computeConv2DInfo([1, 8, 8, filterShape[2]], filterShape, 1, dilation, 'same');
    expect(usesRowsFilterGradient(info([3, 3, 4, 8], 1))).toBe(false);
    expect(usesRowsFilterGradient(info([3, 3, 1, 8], 2))).toBe(false);
    expect(usesRowsFilterGradient(info([3, 3, 1, 12], 1))).toBe(false);
  });
});
