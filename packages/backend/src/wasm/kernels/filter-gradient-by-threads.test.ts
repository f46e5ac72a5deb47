import { describe, expect, it } from 'vitest';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import {
  expectFreesAll,
  type FilterGradientCase,
  infoOf,
  runFilterGradient,
  size,
} from '../test-utils/filter-gradient-cases.js';
import { onWasmThreads } from '../test-utils/on-wasm-threads.js';
import { sameBits, worstExcess } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import { usesBlockedFilterGradient } from './filter-gradient-by-simd.js';
import {
  filterGradientByThreads,
  THREADED_FILTER_GRADIENT_MIN_MULTIPLY_ADDS,
} from './filter-gradient-by-threads.js';

// Each at least THREADED_FILTER_GRADIENT_MIN_MULTIPLY_ADDS (checked below), so that the pool takes it.
const CASES: [string, FilterGradientCase][] = [
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

describe('WASM Conv2DBackpropFilter on 2 threads', () => {
  onWasmThreads(2);

  it.each(CASES)('matches the CPU backend: %s', async (_name, c) => {
    const info = infoOf(c);
    expect(size(c.filterShape) * size(info.outShape.slice(0, 3))).toBeGreaterThanOrEqual(
      THREADED_FILTER_GRADIENT_MIN_MULTIPLY_ADDS,
    );
    const want = await runFilterGradient('cpu', c);
    const got = await runFilterGradient('wasm', c);
    expect(got.shape).toEqual(c.filterShape);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it.each(CASES)('takes the gradient itself, leaking nothing: %s', async (_name, c) => {
    await expectFreesAll(c, (scope, x, dy, info) => {
      const out = filterGradientByThreads(scope, x, dy, info);
      expect(out).not.toBeNull();
    });
  });

  // The register-blocked shapes (input channels 4k, output channels 8k) split by images on the pool:
  // their partial gradients are added in another order than one thread's sum (same bits on 2 and
  // more threads, within rounding of one thread's; filter-gradient-blocked-by-threads.test.ts).
  it('gives the same bits on 1, 2 and 3 threads (within rounding on 1 for the blocked shapes), FMA build and SIMD build', async () => {
    for (const fma of [true, false]) {
      setFmaKernelsEnabled(fma);
      for (const [, c] of CASES) {
        await setWasmThreads(1);
        const one = await runFilterGradient('wasm', c);
        await setWasmThreads(2);
        const two = await runFilterGradient('wasm', c);
        await setWasmThreads(3);
        const three = await runFilterGradient('wasm', c);
        if (usesBlockedFilterGradient(infoOf(c))) {
          expect(worstExcess(one.values, two.values, 1e-4)).toBeLessThanOrEqual(1e-4);
        } else {
          expect(sameBits(one.values, two.values)).toBe(true);
        }
        expect(sameBits(three.values, two.values)).toBe(true);
      }
    }
    setFmaKernelsEnabled(true);
    await setWasmThreads(2);
  });
});
