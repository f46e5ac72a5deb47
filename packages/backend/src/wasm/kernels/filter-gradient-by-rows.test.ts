import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { dataMovementKernels, setPadRowsEnabled } from '../simd/data-movement.js';
import { setDirectConvEnabled } from '../simd/direct-conv.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import { runKernelOn, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { filterGradientByRows, usesRowsFilterGradient } from './filter-gradient-by-rows.js';

type Shape4 = [number, number, number, number];

interface Case {
  xShape: Shape4;
  filterShape: Shape4;
  stride: number;
  pad: 'valid' | 'same' | number[][];
}

const CASES: [string, Case][] = [
  [
    'LeNet-5 first layer (3x3x1 to 8, same)',
    { xShape: [4, 28, 28, 1], filterShape: [3, 3, 1, 8], stride: 1, pad: 'same' },
  ],
  ['RGB, stride 2, odd sizes', { xShape: [3, 9, 11, 3], filterShape: [3, 3, 3, 8], stride: 2, pad: 'same' }],
  [
    '5x4 to 16, valid (a run of exactly 4 taps)',
    { xShape: [2, 7, 6, 1], filterShape: [5, 4, 1, 16], stride: 1, pad: 'valid' },
  ],
  [
    'explicit padding wider than the filter, 2 channels',
    {
      xShape: [2, 7, 6, 2],
      filterShape: [2, 3, 2, 8],
      stride: 1,
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
    { xShape: [2, 3, 2, 1], filterShape: [4, 5, 1, 8], stride: 1, pad: 'same' },
  ],
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const infoOf = (c: Case) =>
  tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.stride, 1, c.pad as 'same');

function run(backend: 'cpu' | 'wasm', c: Case) {
  const dyShape = infoOf(c).outShape;
  return runKernelOn(
    backend,
    'Conv2DBackpropFilter',
    {
      x: { values: sequence(size(c.xShape), 1), shape: c.xShape },
      dy: { values: sequence(size(dyShape), 2), shape: dyShape },
    },
    {
      strides: [c.stride, c.stride],
      pad: c.pad,
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      filterShape: c.filterShape,
      dilations: [1, 1],
    },
  );
}

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
      const want = await run('cpu', c);
      const got = await run('wasm', c);
      expect(got.shape).toEqual(c.filterShape);
      expect(worstExcess(got.values, want.values, 1e-5)).toBeLessThanOrEqual(1e-5);
    });
  });

  it.each(CASES)('takes the gradient itself, leaking nothing: %s', async (_name, c) => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const dyShape = infoOf(c).outShape;
    const x = tf.tensor(sequence(size(c.xShape), 1), c.xShape);
    const dy = tf.tensor(sequence(size(dyShape), 2), dyShape);
    const backend = tf.backend() as unknown as WasmBackendLike;
    const ids = backend.numDataIds();
    const scope = new KernelScope(backend);
    try {
      expect(filterGradientByRows(scope, x, dy, infoOf(c))).not.toBeNull();
      setDirectConvEnabled(false);
      expect(filterGradientByRows(scope, x, dy, infoOf(c))).toBeNull();
    } finally {
      setDirectConvEnabled(true);
      scope.dispose();
      tf.dispose([x, dy]);
    }
    expect(backend.numDataIds()).toBe(ids - 2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(CASES)(
    'pads the input in WASM (data-movement.wat) with the bits of the JavaScript loop: %s',
    async (_n, c) => {
      await useBackend('wasm');
      expect(dataMovementKernels(tf.backend() as unknown as WasmBackendLike, 'padRows')).not.toBeNull();
      const byWasm = await run('wasm', c);
      setPadRowsEnabled(false);
      try {
        const byLoop = await run('wasm', c);
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
