import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { directConv, setDirectConvEnabled } from '../simd/direct-conv.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import { runKernelOn, sameBits, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { setWasmThreads, threadPool } from '../threads/wasm-threads.js';
import { convBySimd, directConvFits } from './conv-by-simd.js';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number[][];

interface Case {
  xShape: Shape4;
  filterShape: Shape4;
  pad: Pad;
}

// Forward: output channels a multiple of 8. The input gradient takes the direct path where the
// input channels are a multiple of 8 (LeNet-5's second layer, the two odd cases), else XNNPACK.
const CASES: [string, Case][] = [
  [
    'LeNet-5 first layer (3x3x1 to 8, same)',
    { xShape: [4, 28, 28, 1], filterShape: [3, 3, 1, 8], pad: 'same' },
  ],
  [
    'LeNet-5 second layer (5x5x8 to 16, valid)',
    { xShape: [3, 14, 14, 8], filterShape: [5, 5, 8, 16], pad: 'valid' },
  ],
  ['odd sizes, 3x4 same', { xShape: [3, 9, 11, 8], filterShape: [3, 4, 8, 8], pad: 'same' }],
  [
    'explicit padding wider than the filter, 24 channels',
    {
      xShape: [2, 7, 6, 16],
      filterShape: [2, 2, 16, 24],
      pad: [
        [0, 0],
        [3, 1],
        [0, 2],
        [0, 0],
      ],
    },
  ],
  ['a filter wider than the image', { xShape: [2, 3, 2, 8], filterShape: [4, 5, 8, 8], pad: 'same' }],
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const infoOf = (c: Case) => tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, 1, 1, c.pad as 'same');
const convAttrs = (c: Case) => ({
  strides: [1, 1],
  pad: c.pad,
  dataFormat: 'NHWC',
  dilations: [1, 1],
  dimRoundingMode: undefined,
});

function forward(backend: 'cpu' | 'wasm', c: Case, fused: boolean) {
  const inputs = {
    x: { values: sequence(size(c.xShape), 1), shape: c.xShape },
    filter: { values: sequence(size(c.filterShape), 2), shape: c.filterShape },
    ...(fused ? { bias: { values: sequence(c.filterShape[3], 3), shape: [c.filterShape[3]] } } : {}),
  };
  return fused
    ? runKernelOn(backend, 'FusedConv2D', inputs, { ...convAttrs(c), activation: 'relu' })
    : runKernelOn(backend, 'Conv2D', inputs, convAttrs(c));
}

function inputGradient(backend: 'cpu' | 'wasm', c: Case) {
  const dyShape = infoOf(c).outShape;
  return runKernelOn(
    backend,
    'Conv2DBackpropInput',
    {
      dy: { values: sequence(size(dyShape), 4), shape: dyShape },
      filter: { values: sequence(size(c.filterShape), 2), shape: c.filterShape },
    },
    { ...convAttrs(c), inputShape: c.xShape },
  );
}

/**
 * Forward (FusedConv2D, bias, relu) and input gradient on WASM with `threads` threads (runKernelOn's
 * backend switch would restart the pool at its default), read back; leaks nothing.
 */
async function bothOnThreads(c: Case, threads: number): Promise<{ values: Float32Array[]; jobs: string[] }> {
  await useBackend('wasm');
  expect(await setWasmThreads(threads)).toBe(threads);
  const pool = threadPool('directConv')?.pool;
  const run = pool != null ? vi.spyOn(pool, 'run') : null;
  const before = tf.memory().numTensors;
  const dyShape = infoOf(c).outShape;
  const x = tf.tensor(sequence(size(c.xShape), 1), c.xShape);
  const filter = tf.tensor(sequence(size(c.filterShape), 2), c.filterShape);
  const bias = tf.tensor(sequence(c.filterShape[3], 3), [c.filterShape[3]]);
  const dy = tf.tensor(sequence(size(dyShape), 4), dyShape);
  const engine = tf.engine();
  const y = engine.runKernel('FusedConv2D', { x, filter, bias }, {
    ...convAttrs(c),
    activation: 'relu',
  } as never) as tf.Tensor;
  const dx = engine.runKernel('Conv2DBackpropInput', { dy, filter }, {
    ...convAttrs(c),
    inputShape: c.xShape,
  } as never) as tf.Tensor;
  const values = [(await y.data()) as Float32Array, (await dx.data()) as Float32Array];
  tf.dispose([x, filter, bias, dy, y, dx]);
  expect(tf.memory().numTensors).toBe(before);
  const jobs = run?.mock.calls.map((call) => call[1]) ?? [];
  run?.mockRestore();
  return { values, jobs };
}

describe('WASM convolutions by the direct SIMD kernel', () => {
  // runKernelOn keeps the thread setting last given to setWasmThreads; bothOnThreads sets them.
  beforeAll(async () => {
    await useBackend('wasm');
  });
  afterAll(async () => {
    setFmaKernelsEnabled(true);
    setDirectConvEnabled(true);
    await setWasmThreads('auto');
  });

  it('runs here, for every case', async () => {
    await useBackend('wasm');
    expect(directConv(tf.backend() as unknown as WasmBackendLike)).not.toBeNull();
    for (const [, c] of CASES) expect(directConvFits(infoOf(c))).toBe(true);
  });

  describe.each([true, false])('FMA build %s', (fma) => {
    beforeAll(() => setFmaKernelsEnabled(fma));

    it.each(CASES)('Conv2D and FusedConv2D (bias, relu) match the CPU backend: %s', async (_name, c) => {
      for (const fused of [false, true]) {
        const want = await forward('cpu', c, fused);
        const got = await forward('wasm', c, fused);
        expect(got.shape).toEqual(want.shape);
        expect(worstExcess(got.values, want.values, 1e-5)).toBeLessThanOrEqual(1e-5);
      }
    });

    it.each(CASES)('Conv2DBackpropInput matches the CPU backend: %s', async (_name, c) => {
      const want = await inputGradient('cpu', c);
      const got = await inputGradient('wasm', c);
      expect(got.shape).toEqual(c.xShape);
      expect(worstExcess(got.values, want.values, 1e-5)).toBeLessThanOrEqual(1e-5);
    });
  });

  it('splits LeNet-5 sizes by images on 2 and 3 threads, with the same bits as on 1 thread', async () => {
    const lenet: Case = { xShape: [9, 14, 14, 8], filterShape: [5, 5, 8, 16], pad: 'valid' };
    for (const fma of [true, false]) {
      setFmaKernelsEnabled(fma);
      const one = await bothOnThreads(lenet, 1);
      expect(one.jobs).toEqual([]);
      for (const threads of [2, 3]) {
        const many = await bothOnThreads(lenet, threads);
        expect(many.jobs).toEqual(['directConvChunk', 'directConvChunk']);
        for (let i = 0; i < 2; i++) expect(sameBits(one.values[i], many.values[i])).toBe(true);
      }
    }
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });

  it('differs in the last bits from the XNNPACK path it replaces (so it did run)', async () => {
    const [, lenet] = CASES[1];
    const direct = await inputGradient('wasm', lenet);
    setDirectConvEnabled(false);
    const xnnpack = await inputGradient('wasm', lenet);
    setDirectConvEnabled(true);
    expect(worstExcess(xnnpack.values, direct.values, 1e-5)).toBeLessThanOrEqual(1e-5);
    expect(sameBits(xnnpack.values, direct.values)).toBe(false);
  });
});

describe('the direct kernel beside the thread pool', () => {
  afterAll(async () => {
    await setWasmThreads('auto');
  });

  it('leaves more than 64 output channels to the pool where one runs, and takes them on one thread', async () => {
    const c: Case = { xShape: [2, 6, 6, 8], filterShape: [1, 1, 8, 72], pad: 'valid' };
    await useBackend('wasm');
    const inputs = {
      x: tf.tensor(sequence(size(c.xShape), 1), c.xShape),
      filter: tf.tensor(sequence(size(c.filterShape), 2), c.filterShape),
    };
    const backend = tf.backend() as unknown as WasmBackendLike;
    try {
      for (const threads of [2, 1]) {
        expect(await setWasmThreads(threads)).toBe(threads);
        const out = convBySimd(backend, inputs, convAttrs(c) as unknown as tf.NamedAttrMap);
        expect(out == null).toBe(threads > 1);
        if (out != null) backend.disposeData(out.dataId);
      }
    } finally {
      tf.dispose(Object.values(inputs));
    }
  });
});
