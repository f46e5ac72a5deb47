import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setFmaKernelsEnabled, simdKernelsFlavor } from '../simd/simd-kernels.js';
import { type KernelInput, runKernelOn, sameBits, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import {
  floatZeroStepsSkipped,
  MIN_SKIP_COLUMNS,
  REST_CALLS,
  setFloatZeroSkipEnabled,
} from './float-zero-skip.js';
import { setThreadedMatMulMinimum, THREADED_MIN_MULTIPLY_ADDS } from './mat-mul-by-threads.js';
import { setPaddedMatMulEnabled } from './mat-mul-padded.js';

/**
 * `rows` MNIST-like images of 28 x 28 flattened ([rows, 784]): a blank border of 4 pixels, and inside
 * it values in [0, 1) with about half of them 0 (some -0).
 */
function images(rows: number, seed: number): Float32Array {
  const noise = sequence(rows * 784, seed);
  const out = new Float32Array(rows * 784);
  for (let r = 0; r < rows; r++) {
    for (let y = 4; y < 24; y++) {
      for (let x = 4; x < 24; x++) {
        const i = r * 784 + y * 28 + x;
        out[i] = noise[i] > 0 ? noise[i] : noise[i] < -0.9 ? -0 : 0;
      }
    }
  }
  return out;
}

/** `[rows, cols]` values in [-1, 1) with columns `c % 3 === 0` all 0 (ReLU units off for the batch). */
function deadUnits(rows: number, cols: number, seed: number): Float32Array {
  const out = sequence(rows * cols, seed);
  for (let i = 0; i < out.length; i++) if ((i % cols) % 3 === 0) out[i] = 0;
  return out;
}

/** `[rows, cols]` values in [-1, 1) with rows `r % 5 === 1` and columns `c % 4 === 2` all 0. */
function holes(rows: number, cols: number, seed: number): Float32Array {
  const out = sequence(rows * cols, seed);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if (r % 5 === 1 || c % 4 === 2) out[r * cols + c] = 0;
  }
  return out;
}

interface Case {
  a: KernelInput;
  b: KernelInput;
  bias?: KernelInput;
  attrs?: Record<string, unknown>;
  /**
   * Whether one thread skips: there the product may run flipped, `(op(b)^T . op(a)^T)^T`, where it
   * moves less data, and the lists are then made of the dense `op(b)^T`. Default true.
   */
  oneThreadSkips?: boolean;
  /** Under the pool's minimum: the one-thread paths on any number of threads. Default false. */
  belowPool?: boolean;
}

const input = (values: Float32Array, shape: number[]): KernelInput => ({ values, shape });

const CASES: [string, Case][] = [
  [
    'a dense layer on images, bias and relu fused (x . W)',
    {
      a: input(images(128, 1), [128, 784]),
      b: input(sequence(784 * 256, 2), [784, 256]),
      bias: input(sequence(256, 3), [256]),
      attrs: { activation: 'relu' },
    },
  ],
  [
    'its weight gradient (x^T . dy, transposeA)',
    {
      a: input(images(128, 4), [128, 784]),
      b: input(deadUnits(128, 256, 5), [128, 256]),
      attrs: { transposeA: true },
    },
  ],
  [
    'its input gradient (dy . W^T, transposeB)',
    {
      a: input(deadUnits(128, 256, 6), [128, 256]),
      b: input(sequence(784 * 256, 7), [784, 256]),
      attrs: { transposeB: true },
      // one thread: as written, dy on the left, where it walks lists per pair of rows (batch-mat-mul.ts)
    },
  ],
  [
    'sizes off the 4 x 8 tiles, with rows and columns of zeros',
    {
      a: input(holes(102, 131, 8), [102, 131]),
      b: input(sequence(131 * 90, 9), [131, 90]),
      oneThreadSkips: false, // (b^T . a^T)^T: the padded kernel copies less so
    },
  ],
  [
    "rows off the tiles, under the pool's minimum (the padded kernel, a padded as it is)",
    {
      a: input(holes(102, 131, 17), [102, 131]),
      b: input(sequence(131 * 64, 18), [131, 64]),
      belowPool: true,
    },
  ],
];

/** The case's product on WASM (`_FusedMatMul` where it has a bias or activation). */
function run(c: Case, backend: 'cpu' | 'wasm' = 'wasm') {
  const fused = c.bias != null || c.attrs?.activation != null;
  const inputs = { a: c.a, b: c.b, ...(c.bias != null ? { bias: c.bias } : {}) };
  return runKernelOn(backend, fused ? '_FusedMatMul' : 'BatchMatMul', inputs, {
    transposeA: false,
    transposeB: false,
    ...c.attrs,
  });
}

/** The case with the skip on, then off: both outputs and the steps each passed over. */
async function onAndOff(c: Case) {
  const before = floatZeroStepsSkipped();
  const on = await run(c);
  const skipped = floatZeroStepsSkipped() - before;
  setFloatZeroSkipEnabled(false);
  try {
    const off = await run(c);
    return { on, off, skipped, skippedOff: floatZeroStepsSkipped() - before - skipped };
  } finally {
    setFloatZeroSkipEnabled(true);
  }
}

/** The first case with an Infinity and a NaN in b, and a NaN in a where the images are blank. */
function withNonFinite(): Case {
  const [, c] = CASES[0];
  const a = Float32Array.from(c.a.values);
  a[784 * 9 + 1] = Number.NaN;
  const b = Float32Array.from(c.b.values);
  b[256 * 2 + 5] = Number.POSITIVE_INFINITY; // row 2 of W: pixel 2 is blank in every image
  b[256 * 700 + 9] = Number.NaN;
  return { ...c, a: input(a, c.a.shape), b: input(b, c.b.shape) };
}

describe.each([2, 3, 1])('the float32 products skip zero steps, on %i threads', (threads) => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await setWasmThreads(threads)).toBe(threads);
    // One thread: the padded kernel takes the product off the tiles however much it copies.
    setPaddedMatMulEnabled(true, true);
    // The pool: the size alone decides (the cases off the tiles copy much for their multiply-adds).
    setThreadedMatMulMinimum(THREADED_MIN_MULTIPLY_ADDS);
  });
  afterAll(async () => {
    setThreadedMatMulMinimum();
    setPaddedMatMulEnabled(true);
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });

  // One thread runs tensorfold's product in the FMA build only (else XNNPACK's).
  const builds = threads === 1 ? [true] : [true, false];

  it.each(CASES)('the same bits as without it, and the CPU backend within 1e-4: %s', async (_name, c) => {
    const want = await run(c, 'cpu');
    for (const fma of builds) {
      setFmaKernelsEnabled(fma);
      const { on, off, skipped, skippedOff } = await onAndOff(c);
      // The pool skips in both builds; the one-thread paths in the FMA build, on op(a) as it lies.
      const skips = (threads > 1 && !c.belowPool) || (fma && c.oneThreadSkips !== false);
      if (skips && simdKernelsFlavor() === (fma ? 'fma' : 'simd')) expect(skipped).toBeGreaterThan(0);
      expect(skippedOff).toBe(0);
      expect(on.shape).toEqual(want.shape);
      expect(sameBits(on.values, off.values)).toBe(true);
      expect(worstExcess(on.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('skips nothing where b holds an Infinity or a NaN (one thread: in its panels of 16 columns), and keeps the NaN of a', async () => {
    const c = withNonFinite();
    const want = await run(c, 'cpu');
    for (const fma of builds) {
      setFmaKernelsEnabled(fma);
      const { on, off, skipped } = await onAndOff(c);
      // The lists per pair of rows (one thread, FMA build) walk every step in the panel of 16 columns
      // holding both (columns 5 and 9) and skip in the other 15 (float-pair-lists.test.ts).
      if (threads === 1 && fma && simdKernelsFlavor() === 'fma') expect(skipped).toBeGreaterThan(0);
      else expect(skipped).toBe(0);
      expect(sameBits(on.values, off.values)).toBe(true);
      for (let i = 0; i < want.values.length; i++) {
        if (Number.isNaN(want.values[i])) expect(on.values[i]).toBeNaN();
      }
      // Row 9 met the NaN; every row met the Infinity times a blank pixel (NaN), before the relu.
      expect(on.values.slice(9 * 256, 10 * 256).every(Number.isNaN)).toBe(true);
    }
  });

  it('keeps the values where a tile sums to an underflow: the bits but the sign of a zero in the FMA build', async () => {
    // a [128, 128] all 0 but a[0][0] = -1e-30; b [128, 64]: row 0 1e-30, the rest 1. out[0][0] sums
    // -1e-60 (under float32's least: ±0) and 127 products 0 x 1. Fused, the first gives -0 and the
    // dense loop's next +0 x 1 turns it to +0; the skip passes over those and leaves -0.
    const a = new Float32Array(128 * 128);
    a[0] = -1e-30;
    const b = new Float32Array(128 * 64).fill(1);
    b.fill(1e-30, 0, 64);
    const c: Case = { a: input(a, [128, 128]), b: input(b, [128, 64]) };
    for (const fma of builds) {
      setFmaKernelsEnabled(fma);
      const { on, off, skipped } = await onAndOff(c);
      if (simdKernelsFlavor() === (fma ? 'fma' : 'simd')) expect(skipped).toBeGreaterThan(0);
      expect(Object.is(off.values[0], 0)).toBe(true);
      // Equal as numbers everywhere; bits apart only where both are zero.
      for (let i = 0; i < on.values.length; i++) {
        expect(on.values[i] === off.values[i] || Object.is(on.values[i], off.values[i])).toBe(true);
      }
      // Unfused (the SIMD build), an accumulator from +0 never turns -0: the same bits.
      if (!fma) expect(sameBits(on.values, off.values)).toBe(true);
    }
  });

  it("walks op(b)^T's lists where one thread runs the product flipped, with the same bits", async () => {
    // a [102, 131] dense; b [131, 90] with rows r % 5 === 1 all 0: one thread runs (b^T . a^T)^T,
    // whose left operand b^T is 0 at those 27 steps in every row (the pool, on op(a): nothing to skip).
    const c: Case = {
      a: input(sequence(102 * 131, 24), [102, 131]),
      b: input(holes(131, 90, 25), [131, 90]),
    };
    const want = await run(c, 'cpu');
    for (const fma of builds) {
      setFmaKernelsEnabled(fma);
      const { on, off, skipped } = await onAndOff(c);
      if (threads === 1 && simdKernelsFlavor() === 'fma') expect(skipped).toBeGreaterThan(0);
      expect(sameBits(on.values, off.values)).toBe(true);
      expect(worstExcess(on.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
    }
  });

  it("skips nothing where op(a) holds an Infinity and one thread runs the product flipped (op(a)^T is then the kernel's b)", async () => {
    // a [102, 131]: a[0][6] = Infinity; b [131, 90]: rows r % 5 === 1 (row 6 among them) all 0. One
    // thread runs (b^T . a^T)^T: the kernel's left operand b^T is 0 at step 6 in every row, its right
    // a^T holds the Infinity, and out[0][.] meets Infinity x 0: NaN. The pool skips on op(a) as it lies.
    const a = sequence(102 * 131, 19);
    a[6] = Number.POSITIVE_INFINITY;
    const c: Case = { a: input(a, [102, 131]), b: input(holes(131, 90, 20), [131, 90]) };
    const want = await run(c, 'cpu');
    expect(want.values.slice(0, 90).every(Number.isNaN)).toBe(true);
    for (const fma of builds) {
      setFmaKernelsEnabled(fma);
      const { on, off, skipped } = await onAndOff(c);
      if (threads === 1) expect(skipped).toBe(0);
      expect(sameBits(on.values, off.values)).toBe(true);
      for (let i = 0; i < want.values.length; i++)
        expect(Number.isNaN(on.values[i])).toBe(Number.isNaN(want.values[i]));
      expect(worstExcess(on.values.slice(90), want.values.slice(90), 1e-4)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('skips around a NaN of a (a nonzero step) where b is finite, with the same bits', async () => {
    const [, c0] = CASES[0];
    const a = Float32Array.from(c0.a.values);
    a[784 * 9 + 300] = Number.NaN; // row 9, inside the image
    const c: Case = { ...c0, a: input(a, c0.a.shape) };
    const want = await run(c, 'cpu');
    for (const fma of builds) {
      setFmaKernelsEnabled(fma);
      const { on, off, skipped } = await onAndOff(c);
      if (simdKernelsFlavor() === (fma ? 'fma' : 'simd')) expect(skipped).toBeGreaterThan(0);
      expect(sameBits(on.values, off.values)).toBe(true);
      expect(on.values.slice(9 * 256, 10 * 256).every(Number.isNaN)).toBe(true);
      for (let i = 0; i < want.values.length; i++)
        expect(Number.isNaN(on.values[i])).toBe(Number.isNaN(want.values[i]));
    }
  });

  it('gives the same bits on random (dense) data, skipping nothing there', async () => {
    const c: Case = {
      a: input(sequence(128 * 512, 10), [128, 512]),
      b: input(sequence(512 * 256, 11), [512, 256]),
    };
    const { on, off, skipped } = await onAndOff(c);
    expect(skipped).toBe(0);
    expect(sameBits(on.values, off.values)).toBe(true);
  });

  it('rests a shape whose listing left out little, until the switch is set again', async () => {
    const b = input(sequence(784 * 64, 14), [784, 64]);
    const dense: Case = { a: input(sequence(128 * 784, 15), [128, 784]), b };
    const sparse: Case = { a: input(images(128, 16), [128, 784]), b };
    setFloatZeroSkipEnabled(true);
    const before = floatZeroStepsSkipped();
    await run(dense); // lists, leaves out nothing: the shape rests
    await run(sparse);
    expect(floatZeroStepsSkipped()).toBe(before);
    setFloatZeroSkipEnabled(true); // wakes every shape
    await run(sparse);
    expect(floatZeroStepsSkipped()).toBeGreaterThan(before);
  });

  it(`lists a resting shape again after ${REST_CALLS} calls`, async () => {
    const b = input(sequence(784 * 64, 21), [784, 64]);
    const dense: Case = { a: input(sequence(128 * 784, 22), [128, 784]), b };
    const sparse: Case = { a: input(images(128, 23), [128, 784]), b };
    setFloatZeroSkipEnabled(true);
    await run(dense); // the shape rests
    const before = floatZeroStepsSkipped();
    for (let call = 0; call < REST_CALLS; call++) await run(sparse);
    expect(floatZeroStepsSkipped()).toBe(before);
    await run(sparse);
    expect(floatZeroStepsSkipped()).toBeGreaterThan(before);
  });

  it(`tries no product with fewer than ${MIN_SKIP_COLUMNS} columns (a 10-class layer)`, async () => {
    const c: Case = {
      a: input(images(128, 12), [128, 784]),
      b: input(sequence(784 * 24, 13), [784, 24]),
    };
    const { on, off, skipped } = await onAndOff(c);
    expect(skipped).toBe(0);
    expect(sameBits(on.values, off.values)).toBe(true);
  });
});
