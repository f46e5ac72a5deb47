import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as kernelsWasm from '../simd/generated/kernels-wasm.js';
import * as pairStepsWasm from '../simd/generated/pair-steps-wasm.js';
import { PAIRS_B_TRANSPOSED, PAIRS_EVERY_STEP, pairScratchAt } from '../simd/pair-steps.js';
import { simdKernelsFlavor } from '../simd/simd-kernels.js';
import { input, onOneWasmThreadWithFloatSkip } from '../test-utils/float-pairs.js';
import { pairModulesOn } from '../test-utils/pair-modules.js';
import { type KernelInput, runKernelOn, sameBits, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import { floatZeroStepsSkipped, setFloatZeroSkipEnabled } from './float-zero-skip.js';
import { setPairsTransposeFused } from './mat-mul-by-simd.js';

// dy . W^T on one thread with W read as it lies: pair-steps.wat transposes each panel of 16 rows of
// W while copying it (matMulPairs' flag 1), instead of a separate transpose pass before the product.

/** Values in [-1, 1) with about half 0 (some -0), independently in each row: a ReLU-masked gradient. */
function masked(size: number, seed: number): Float32Array {
  return sequence(size, seed).map((v, i) => (v < 0 ? (i % 5 === 0 ? -0 : 0) : v));
}

describe('matMulPairs on b given transposed (pair-steps.wat, flag 1)', () => {
  it.each([
    ['SIMD', pairStepsWasm.SIMD_WASM_BASE64, kernelsWasm.SIMD_WASM_BASE64],
    ['FMA', pairStepsWasm.FMA_WASM_BASE64, kernelsWasm.FMA_WASM_BASE64],
  ])(
    'gives the bits of the product on b transposed beforehand and of the dense product, tails and non-finite panels included (%s build)',
    (_n, pairs, dense) => {
      const { kernels, reference, heap } = pairModulesOn(pairs, dense, 64);
      // k: 1 to 3 (the tail alone), a multiple of 4, over 256 with a tail of 1, 2 and 3 steps
      for (const [m, k, n] of [
        [4, 3, 16],
        [2, 1, 32],
        [4, 2, 48],
        [2, 3, 32],
        [6, 64, 32],
        [8, 257, 48],
        [4, 302, 16],
        [10, 515, 32],
      ]) {
        const a = masked(m * k, k);
        // [n, k], with -0 and denormals (copied bit for bit, not flagged as non-finite)
        const bT = sequence(n * k, k + 1).map((v, i) => (i % 7 === 0 ? -0 : i % 11 === 0 ? v * 1e-39 : v));
        const b = new Float32Array(k * n); // [k, n], bT transposed
        for (let r = 0; r < n; r++) for (let p = 0; p < k; p++) b[p * n + r] = bT[r * k + p];
        const [aAt, bAt, bTAt, out, want] = [
          0,
          m * k,
          m * k + k * n,
          m * k + 2 * k * n,
          m * k + 2 * k * n + m * n,
        ];
        const lists = (want + m * n + 16) * 4;
        const { every, panel } = pairScratchAt(lists, m, k);
        const check = (panelsEvery: number) => {
          heap.set(a, aAt);
          heap.set(b, bAt);
          heap.set(bT, bTAt);
          kernels.pairSteps(aAt * 4, lists, m, k);
          // out [m, n] = a . (b at `from`), out first filled with 7 (it need not be zeroed)
          const product = (from: number, flags?: number) => {
            heap.fill(7, out, out + m * n);
            return kernels.matMulPairs(aAt * 4, from * 4, out * 4, m, k, n, lists, every, panel, flags);
          };
          expect(product(bTAt, PAIRS_B_TRANSPOSED)).toBe(panelsEvery);
          const got = Float32Array.from(heap.subarray(out, out + m * n));
          product(bAt);
          expect(sameBits(got, heap.subarray(out, out + m * n).slice())).toBe(true);
          reference.matMul(aAt * 4, bAt * 4, want * 4, m, k, n, 0);
          expect(sameBits(got, heap.subarray(want, want + m * n).slice())).toBe(true);
          // every step in every panel: the same bits again
          expect(product(bTAt, PAIRS_B_TRANSPOSED | PAIRS_EVERY_STEP)).toBe(n / 16);
          expect(sameBits(got, heap.subarray(out, out + m * n).slice())).toBe(true);
          return got;
        };
        check(0);
        // An Infinity in the last step (the scalar tail where k % 4 != 0) of W's row 17 (panel 1), at a
        // step where a's row 1 is 0; a NaN in row 2 (panel 0): those panels walk every step. Where
        // n is 48, also a -Infinity in step 0 of row 47 (panel 2: the fourth row of a 4 x 4 block).
        if (n >= 32) {
          a[1 * k + (k - 1)] = 0;
          bT[17 * k + (k - 1)] = Number.POSITIVE_INFINITY;
          b[(k - 1) * n + 17] = Number.POSITIVE_INFINITY;
          bT[2 * k + Math.min(1, k - 1)] = Number.NaN;
          b[Math.min(1, k - 1) * n + 2] = Number.NaN;
          if (n === 48) {
            a[1 * k] = 0;
            bT[47 * k] = Number.NEGATIVE_INFINITY;
            b[47] = Number.NEGATIVE_INFINITY;
          }
          const got = check(n === 48 ? 3 : 2);
          expect(got[1 * n + 17]).toBeNaN();
          if (n === 48) expect(got[1 * n + 47]).toBeNaN();
        }
      }
    },
  );
});

/** dy . W^T (BatchMatMul, transposeB) on `backend`, W given as it lies: [.., n, k]. */
const run = (dy: KernelInput, w: KernelInput, backend: 'cpu' | 'wasm' = 'wasm') =>
  runKernelOn(backend, 'BatchMatMul', { a: dy, b: w }, { transposeA: false, transposeB: true });

describe('dy . W^T on one thread with W transposed into the panels (batch-mat-mul.ts)', () => {
  onOneWasmThreadWithFloatSkip();

  it.each([
    // [dy rows, inner, W rows, dy masked]: the MLP's second layer; inner with a tail of 2; dense dy (the
    // listing does not pay: every step, then the shape rests and runs transposed)
    [128, 256, 512, true],
    [128, 258, 256, true],
    [64, 1030, 32, true],
    [128, 256, 512, false],
  ])(
    'dy [%i, %i] . W^T (W of %i rows, dy masked: %s): the bits of W transposed first and of no skip, the CPU backend within 1e-4',
    async (m, k, n, isMasked) => {
      const dy = input(isMasked ? masked(m * k, 31) : sequence(m * k, 31), [m, k]);
      const w = input(sequence(n * k, 32), [n, k]);
      const want = await run(dy, w, 'cpu');
      const before = floatZeroStepsSkipped();
      const fused = await run(dy, w);
      const skipped = floatZeroStepsSkipped() - before;
      setPairsTransposeFused(false);
      const apart = await run(dy, w);
      setFloatZeroSkipEnabled(false);
      const none = await run(dy, w);
      expect(fused.shape).toEqual([m, n]);
      expect(sameBits(fused.values, apart.values)).toBe(true);
      expect(sameBits(fused.values, none.values)).toBe(true);
      expect(worstExcess(fused.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
      if (simdKernelsFlavor() === 'fma') expect(skipped > 0).toBe(isMasked);
    },
  );

  it('keeps 0 x Infinity and NaN of W as NaN where dy is 0', async () => {
    const [m, k, n] = [128, 256, 512];
    const dyValues = masked(m * k, 41);
    dyValues.fill(0, 3 * k, 4 * k); // row 3 all zero
    const wValues = sequence(n * k, 42);
    wValues[20 * k + 7] = Number.NEGATIVE_INFINITY; // W row 20: output column 20
    wValues[300 * k + 255] = Number.NaN; // output column 300, the last step
    const [dy, w] = [input(dyValues, [m, k]), input(wValues, [n, k])];
    const want = await run(dy, w, 'cpu');
    const fused = await run(dy, w);
    setFloatZeroSkipEnabled(false);
    const none = await run(dy, w);
    expect(sameBits(fused.values, none.values)).toBe(true);
    expect(fused.values[3 * n + 20]).toBeNaN();
    expect(fused.values[3 * n + 300]).toBeNaN();
    for (let i = 0; i < want.values.length; i++) {
      expect(Number.isNaN(fused.values[i])).toBe(Number.isNaN(want.values[i]));
    }
  });
});

describe('dy . W^T around the rule that keeps it as written (batch-mat-mul.ts, review)', () => {
  onOneWasmThreadWithFloatSkip();

  it.each([
    // [dy shape, W shape, as written by the pairs]: batch 4, the fewest rows the pairs take (rows % 4,
    // 1 M multiply-adds; W transposed first would move 64 times the data of the transposed form);
    // rows not a multiple of 4; batch 1; W's rows not a multiple of 16; a batch on dy only (folded
    // into rows, W transposed by a pass: not this path); a batch on both sides
    [[4, 512], [512, 512], true],
    [[6, 512], [512, 512], false],
    [[1, 1024], [1024, 1024], false],
    [[8, 512], [520, 512], false],
    [[2, 8, 512], [512, 512], false],
    [[2, 8, 512], [2, 512, 512], false],
  ])(
    'dy %j . W %j ^T: CPU within 1e-4, as written by the pairs where they fit (%s)',
    async (dyShape, wShape, asWritten) => {
      const dy = input(
        masked(
          dyShape.reduce((x, y) => x * y),
          61,
        ),
        dyShape,
      );
      const w = input(
        sequence(
          wShape.reduce((x, y) => x * y),
          62,
        ),
        wShape,
      );
      const want = await run(dy, w, 'cpu');
      const before = floatZeroStepsSkipped();
      const got = await run(dy, w);
      const skipped = floatZeroStepsSkipped() - before;
      expect(got.shape).toEqual(want.shape);
      expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
      if (!asWritten || simdKernelsFlavor() !== 'fma') return;
      expect(skipped).toBeGreaterThan(0);
      // the bits of the plain product on W transposed beforehand, skip off
      const [n, k] = wShape;
      const wT = new Float32Array(k * n); // [k, n]
      for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) wT[p * n + j] = w.values[j * k + p];
      setFloatZeroSkipEnabled(false);
      const plain = await runKernelOn(
        'wasm',
        'BatchMatMul',
        { a: dy, b: input(wT, [k, n]) },
        {
          transposeA: false,
          transposeB: false,
        },
      );
      expect(sameBits(got.values, plain.values)).toBe(true);
    },
  );

  it('leaves W as it was for its other uses (the forward product before and after)', async () => {
    await runKernelOn('wasm', 'Relu', { x: input(new Float32Array(1), [1]) }, {}); // (back on WASM)
    const [m, k, n] = [128, 256, 512];
    const wValues = sequence(n * k, 71);
    const w = tf.tensor2d(wValues, [n, k]); // [n, k]
    const x = tf.tensor2d(sequence(m * n, 72), [m, n]); // [m, n]
    const dy = tf.tensor2d(masked(m * k, 73), [m, k]); // [m, k]
    const before = tf.memory().numTensors;
    const first = tf.matMul(x, w); // [m, k]
    const skippedBefore = floatZeroStepsSkipped();
    const grad = tf.matMul(dy, w, false, true); // [m, n]
    if (simdKernelsFlavor() === 'fma') expect(floatZeroStepsSkipped() - skippedBefore).toBeGreaterThan(0);
    const again = tf.matMul(x, w); // [m, k]
    expect(sameBits(await first.data<'float32'>(), await again.data<'float32'>())).toBe(true);
    expect(sameBits(await w.data<'float32'>(), wValues)).toBe(true);
    expect(grad.shape).toEqual([m, n]);
    tf.dispose([first, grad, again]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x, dy]);
  });

  it('on 2 threads, a batch under the pool crossover runs the same one-thread product', async () => {
    const dy = input(masked(16 * 512, 81), [16, 512]);
    const w = input(sequence(512 * 512, 82), [512, 512]);
    const one = await run(dy, w);
    expect(await setWasmThreads(2)).toBe(2);
    try {
      const before = floatZeroStepsSkipped();
      const two = await run(dy, w);
      if (simdKernelsFlavor() === 'fma') expect(floatZeroStepsSkipped() - before).toBeGreaterThan(0);
      expect(sameBits(one.values, two.values)).toBe(true);
    } finally {
      expect(await setWasmThreads(1)).toBe(1);
    }
  });
});
