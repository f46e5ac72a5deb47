import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import {
  attrsOf,
  type FilterGradientCase,
  inputsOf,
  runFilterGradient,
} from '../test-utils/filter-gradient-cases.js';
import { sameBits, worstExcess } from '../test-utils/run-kernel.js';
import { setWasmThreads, threadPool } from '../threads/wasm-threads.js';

// Input channels a multiple of 4, output channels of 8: the register-blocked kernel's shapes.
const CASES: [string, FilterGradientCase][] = [
  [
    'LeNet-5 second layer (5x5x8 to 16, valid), 13 images',
    { xShape: [13, 14, 14, 8], filterShape: [5, 5, 8, 16], strides: [1, 1], pad: 'valid' },
  ],
  [
    'stride 2, same, odd sizes',
    { xShape: [12, 33, 31, 8], filterShape: [3, 3, 8, 8], strides: [2, 2], pad: 'same' },
  ],
];

/** The registered Conv2DBackpropFilter on WASM with `threads` threads, and the pool jobs it ran. */
async function onThreads(c: FilterGradientCase, threads: number) {
  await useBackend('wasm');
  expect(await setWasmThreads(threads)).toBe(threads);
  const pool = threadPool('blockedFilterGradient')?.pool;
  const run = pool != null ? vi.spyOn(pool, 'run') : null;
  const before = tf.memory().numTensors;
  const inputs = inputsOf(c);
  const x = tf.tensor(inputs.x.values, inputs.x.shape);
  const dy = tf.tensor(inputs.dy.values, inputs.dy.shape);
  const grad = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrsOf(c) as never) as tf.Tensor;
  const values = Float32Array.from(await grad.data());
  tf.dispose([x, dy, grad]);
  expect(tf.memory().numTensors).toBe(before);
  const jobs = run?.mock.calls.map((call) => call[1]) ?? [];
  run?.mockRestore();
  return { values, jobs };
}

describe('WASM Conv2DBackpropFilter, register-blocked, split by images on the pool', () => {
  afterAll(async () => {
    setFmaKernelsEnabled(true);
    await setWasmThreads('auto');
  });

  it.each(CASES)(
    'matches the CPU backend, with the same bits on 2, 3 and 4 threads: %s',
    async (_name, c) => {
      for (const fma of [true, false]) {
        setFmaKernelsEnabled(fma);
        const want = await runFilterGradient('cpu', c);
        const one = await onThreads(c, 1);
        const two = await onThreads(c, 2);
        expect(two.jobs).toEqual(['filterGradientBlockedChunk']);
        expect(worstExcess(two.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
        expect(worstExcess(one.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
        for (const threads of [3, 4]) {
          const many = await onThreads(c, threads);
          expect(many.jobs).toEqual(['filterGradientBlockedChunk']);
          expect(sameBits(many.values, two.values)).toBe(true);
        }
      }
    },
  );
});
