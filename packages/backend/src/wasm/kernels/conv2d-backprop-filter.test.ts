import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { setFmaKernelsEnabled, simdKernels, simdKernelsFlavor } from '../simd/simd-kernels.js';
import { runKernelOn, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { filterGradientByConvolution } from './filter-gradient-by-convolution.js';
import { filterGradientByPatches } from './filter-gradient-by-patches.js';
import { filterGradientBySimd } from './filter-gradient-by-simd.js';

type Pad = 'valid' | 'same' | number[][];

interface FilterGradCase {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

const cases: Array<[string, FilterGradCase]> = [
  [
    'LeNet-5 first layer (3x3x1 to 8, same)',
    { xShape: [4, 12, 12, 1], filterShape: [3, 3, 1, 8], strides: [1, 1], pad: 'same' },
  ],
  [
    'LeNet-5 second layer (5x5x8 to 16, valid)',
    { xShape: [3, 14, 14, 8], filterShape: [5, 5, 8, 16], strides: [1, 1], pad: 'valid' },
  ],
  [
    'stride [2, 3], same, odd sizes',
    { xShape: [2, 9, 10, 3], filterShape: [3, 4, 3, 5], strides: [2, 3], pad: 'same' },
  ],
  [
    'stride 2, valid, trailing rows never read',
    { xShape: [2, 8, 9, 2], filterShape: [3, 2, 2, 4], strides: [2, 2], pad: 'valid' },
  ],
  [
    '12 output channels (a block of 8, then 4), stride 2, same, odd sizes',
    { xShape: [2, 9, 7, 2], filterShape: [3, 3, 2, 12], strides: [2, 2], pad: 'same' },
  ],
  [
    'explicit padding wider than the filter',
    {
      xShape: [2, 6, 7, 3],
      filterShape: [3, 3, 3, 4],
      strides: [2, 1],
      pad: [
        [0, 0],
        [4, 1],
        [0, 3],
        [0, 0],
      ],
    },
  ],
];

/**
 * Cases the register-blocked SIMD kernel takes (input channels a multiple of 4, output channels of 8):
 * strides 1 to 3 on each axis, filters from 1x1 to 5x4, odd and even sizes, 'valid', 'same' and
 * explicit padding (some wider than the filter), 4 or 8 input and 8, 16 or 24 output channels.
 */
function blockedCases(): Array<[string, FilterGradCase]> {
  const out: Array<[string, FilterGradCase]> = [];
  const filters: Array<[number, number]> = [
    [1, 1],
    [2, 3],
    [4, 4],
    [5, 4],
  ];
  const pads: Pad[] = [
    'valid',
    'same',
    [
      [0, 0],
      [5, 1],
      [0, 6],
      [0, 0],
    ],
  ];
  let n = 0;
  for (const sh of [1, 2, 3]) {
    for (const sw of [1, 2, 3]) {
      for (const [fh, fw] of filters) {
        for (const pad of pads) {
          n++;
          const c: FilterGradCase = {
            xShape: [1 + (n % 2), 6 + (n % 4), 5 + (n % 5), 4 * (1 + (n % 2))],
            filterShape: [fh, fw, 4 * (1 + (n % 2)), 8 * (1 + (n % 3))],
            strides: [sh, sw],
            pad,
          };
          const [, oh, ow] = dyShapeOf(c);
          if (oh < 1 || ow < 1) continue;
          out.push([`blocked: ${JSON.stringify(c)}`, c]);
        }
      }
    }
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The forward output shape, from tfjs's own shape rules. */
function dyShapeOf(c: FilterGradCase): number[] {
  return tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad as 'same').outShape;
}

/** Runs one of the two filter-gradient forms directly on the WASM backend. */
async function byStrategy(
  strategy: typeof filterGradientByPatches,
  c: FilterGradCase,
): Promise<{ values: Float32Array; shape: number[] }> {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const dyShape = dyShapeOf(c);
  const x = tf.tensor(sequence(size(c.xShape), 1), c.xShape);
  const dy = tf.tensor(sequence(size(dyShape), 2), dyShape);
  const info = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad as 'same');
  const backend = tf.backend() as unknown as WasmBackendLike;
  const idsBefore = backend.numDataIds();
  const scope = new KernelScope(backend);
  let result: tf.Tensor;
  try {
    result = tf.engine().makeTensorFromTensorInfo(scope.finish(strategy(scope, x, dy, info)));
  } finally {
    scope.dispose();
  }
  expect(backend.numDataIds()).toBe(idsBefore + 1);
  const values = Float32Array.from(await result.data());
  tf.dispose([x, dy, result]);
  expect(tf.memory().numTensors).toBe(before);
  return { values, shape: result.shape };
}

async function cpuFilterGradient(c: FilterGradCase, dataFormat: 'NHWC' | 'NCHW' = 'NHWC') {
  const dyShape = dyShapeOf(c);
  return runKernelOn(
    'cpu',
    'Conv2DBackpropFilter',
    {
      x: { values: sequence(size(c.xShape), 1), shape: c.xShape },
      dy: { values: sequence(size(dyShape), 2), shape: dyShape },
    },
    { strides: c.strides, pad: c.pad, dataFormat, dimRoundingMode: undefined, filterShape: c.filterShape },
  );
}

/**
 * The SIMD form, on the kernels instantiated for the WASM backend (they need outChannels % 4 === 0),
 * in their SIMD build (`fma` false, today's path) or their relaxed-SIMD FMA build.
 */
const bySimd =
  (fma: boolean): typeof filterGradientByPatches =>
  (scope, x, dy, info) => {
    setFmaKernelsEnabled(fma);
    try {
      const kernels = simdKernels(scope.backend);
      if (kernels == null) throw new Error('The SIMD kernels did not start on this WASM backend.');
      // The FMA build needs relaxed SIMD: Node 22+, or Node 20 with the flag vitest.config.ts passes.
      expect(simdKernelsFlavor()).toBe(fma ? 'fma' : 'simd');
      return filterGradientBySimd(scope, x, dy, info, kernels);
    } finally {
      setFmaKernelsEnabled(true);
    }
  };

const simdCases = [...cases.filter(([, c]) => c.filterShape[3] % 4 === 0), ...blockedCases()];

describe('WASM Conv2DBackpropFilter', () => {
  describe.each([
    ['as a matrix product over patches', filterGradientByPatches, cases],
    ['as a convolution', filterGradientByConvolution, cases],
    ['by the SIMD kernel', bySimd(false), simdCases],
    ['by the SIMD kernel, FMA build', bySimd(true), simdCases],
  ] as const)('%s', (_form, strategy, formCases) => {
    it.each(formCases)('matches the CPU backend: %s', async (_name, c) => {
      const want = await cpuFilterGradient(c);
      const got = await byStrategy(strategy, c);
      expect(got.shape).toEqual(c.filterShape);
      expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
    });
  });

  it('the registered kernel takes channels-first (NCHW) input too', async () => {
    // [batch, channels, height, width]
    const c: FilterGradCase = {
      xShape: [2, 3, 7, 6],
      filterShape: [3, 3, 3, 4],
      strides: [2, 2],
      pad: 'same',
    };
    const dyShape = [2, 4, 4, 3];
    const inputs = {
      x: { values: sequence(size(c.xShape), 1), shape: c.xShape },
      dy: { values: sequence(size(dyShape), 2), shape: dyShape },
    };
    const attrs = {
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NCHW',
      dimRoundingMode: undefined,
      filterShape: c.filterShape,
    };
    const want = await runKernelOn('cpu', 'Conv2DBackpropFilter', inputs, attrs);
    const got = await runKernelOn('wasm', 'Conv2DBackpropFilter', inputs, attrs);
    expect(got.shape).toEqual(c.filterShape);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
  });
});
