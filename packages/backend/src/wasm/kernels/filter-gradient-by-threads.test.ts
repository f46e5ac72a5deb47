import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import { runKernelOn, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import { usesBlockedFilterGradient } from './filter-gradient-by-simd.js';
import {
  filterGradientByThreads,
  THREADED_FILTER_GRADIENT_MIN_MULTIPLY_ADDS,
} from './filter-gradient-by-threads.js';

interface Case {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: 'valid' | 'same' | number[][];
  dilations?: [number, number];
}

// Each at least THREADED_FILTER_GRADIENT_MIN_MULTIPLY_ADDS (checked below), so that the pool takes it.
const CASES: [string, Case][] = [
  [
    'LeNet-5 second layer (5x5x8 to 16, valid)',
    { xShape: [16, 14, 14, 8], filterShape: [5, 5, 8, 16], strides: [1, 1], pad: 'valid' },
  ],
  [
    'stride 2, same, odd sizes, 12 channels',
    { xShape: [16, 33, 31, 8], filterShape: [3, 3, 8, 12], strides: [2, 2], pad: 'same' },
  ],
  [
    'explicit padding wider than the filter',
    {
      xShape: [16, 20, 20, 4],
      filterShape: [3, 3, 4, 8],
      strides: [1, 1],
      pad: [
        [0, 0],
        [4, 1],
        [0, 3],
        [0, 0],
      ],
    },
  ],
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const infoOf = (c: Case) =>
  tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, c.dilations ?? 1, c.pad as 'same');

/** The registered Conv2DBackpropFilter on `backend`. */
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
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      filterShape: c.filterShape,
      dilations: c.dilations ?? [1, 1],
    },
  );
}

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));

describe('WASM Conv2DBackpropFilter on 2 threads', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await setWasmThreads(2)).toBe(2);
  });
  afterAll(async () => {
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });

  it.each(CASES)('matches the CPU backend: %s', async (_name, c) => {
    const info = infoOf(c);
    expect(size(c.filterShape) * size(info.outShape.slice(0, 3))).toBeGreaterThanOrEqual(
      THREADED_FILTER_GRADIENT_MIN_MULTIPLY_ADDS,
    );
    const want = await run('cpu', c);
    const got = await run('wasm', c);
    expect(got.shape).toEqual(c.filterShape);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
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
      const out = filterGradientByThreads(scope, x, dy, infoOf(c));
      expect(out).not.toBeNull();
    } finally {
      scope.dispose();
      tf.dispose([x, dy]);
    }
    expect(backend.numDataIds()).toBe(ids - 2);
    expect(tf.memory().numTensors).toBe(before);
  });

  // The register-blocked shapes (input channels 4k, output channels 8k) split by images on the pool:
  // their partial gradients are added in another order than one thread's sum (same bits on 2 and
  // more threads, within rounding of one thread's; filter-gradient-blocked-by-threads.test.ts).
  it('gives the same bits on 1, 2 and 3 threads (within rounding on 1 for the blocked shapes), FMA build and SIMD build', async () => {
    for (const fma of [true, false]) {
      setFmaKernelsEnabled(fma);
      for (const [, c] of CASES) {
        await setWasmThreads(1);
        const one = await run('wasm', c);
        await setWasmThreads(2);
        const two = await run('wasm', c);
        await setWasmThreads(3);
        const three = await run('wasm', c);
        if (usesBlockedFilterGradient(infoOf(c))) {
          expect(worstExcess(one.values, two.values, 1e-4)).toBeLessThanOrEqual(1e-4);
        } else {
          expect(same(one.values, two.values)).toBe(true);
        }
        expect(same(three.values, two.values)).toBe(true);
      }
    }
    setFmaKernelsEnabled(true);
    await setWasmThreads(2);
  });
});
