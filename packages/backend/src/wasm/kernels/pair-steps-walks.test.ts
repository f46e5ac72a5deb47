import { describe, expect, it } from 'vitest';
import * as kernelsWasm from '../simd/generated/kernels-wasm.js';
import * as pairStepsWasm from '../simd/generated/pair-steps-wasm.js';
import { PAIRS_B_TRANSPOSED, PAIRS_EVERY_STEP, pairScratchAt, pairStepsFloats } from '../simd/pair-steps.js';
import { pairModulesOn } from '../test-utils/pair-modules.js';
import { sequence } from '../test-utils/run-kernel.js';

// matMulPairs (pair-steps.wat) walks 512 steps of k at a time: two of pairSteps' blocks of 256, the
// last walk one block where their count is odd, out carrying the sums from one walk to the next. Each
// inner size around those edges, on both builds, in each form (lists, b transposed, every step) and
// with an Infinity at the last step (its panel walks every step: a NaN where a is 0 there), against
// kernels.wat's dense product bit for bit.

const INNER = [1, 3, 4, 255, 256, 257, 511, 512, 513, 700, 784, 1000, 1024, 1027, 1280, 1300];
const COLUMNS = 32;
const GUARD = 16;

/** `[rows, cols]` values with about half of them ±0; pair 0's second block of 256 all 0. */
function sparse(rows: number, cols: number, seed: number): Float32Array {
  const a = sequence(rows * cols, seed).map((v, i) =>
    v < 0 ? (i % 5 === 0 ? -0 : 0) : v * 10 ** ((i % 7) - 3),
  );
  for (const row of [0, 1]) a.fill(0, row * cols + 256, row * cols + Math.min(cols, 512));
  return a;
}

describe.each([
  ['SIMD', pairStepsWasm.SIMD_WASM_BASE64, kernelsWasm.SIMD_WASM_BASE64],
  ['FMA', pairStepsWasm.FMA_WASM_BASE64, kernelsWasm.FMA_WASM_BASE64],
])('matMulPairs walks of 512 steps (%s build)', (_name, pairs, dense) => {
  it.each(
    INNER.flatMap((k) =>
      [2, 6].flatMap((m) =>
        [0, PAIRS_B_TRANSPOSED, PAIRS_EVERY_STEP, PAIRS_B_TRANSPOSED | PAIRS_EVERY_STEP].flatMap((flags) =>
          [false, true].map((infinity) => [k, m, flags, infinity] as const),
        ),
      ),
    ),
  )('k %i, m %i, flags %i, an Infinity in b: %s', (k, m, flags, infinity) => {
    const n = COLUMNS;
    const [aAt, bAt, bTAt] = [0, m * k, m * k + k * n];
    const outAt = bTAt + n * k;
    const wantAt = outAt + m * n + GUARD;
    const listsAt = wantAt + m * n;
    const floats = listsAt + pairStepsFloats(m, k) + 64;
    const { kernels, reference, heap } = pairModulesOn(pairs, dense, Math.ceil((floats * 4) / 65536));
    const a = sparse(m, k, k + m);
    const b = sequence(k * n, k + 1);
    if (infinity) {
      // the last step, column 20 (panel 1); row 1 of a is 0 there: NaN only if that step is walked
      b[(k - 1) * n + 20] = Number.POSITIVE_INFINITY;
      a[k + k - 1] = 0;
    }
    heap.set(a, aAt);
    heap.set(b, bAt);
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) heap[bTAt + j * k + p] = b[p * n + j];
    heap.fill(7, outAt, outAt + m * n + GUARD); // out need not be zeroed; the guard after it stays 7
    const lists = listsAt * 4;
    kernels.pairSteps(aAt * 4, lists, m, k);
    const { every, panel } = pairScratchAt(lists, m, k);
    const fromB = flags & PAIRS_B_TRANSPOSED ? bTAt : bAt;
    const walkedEvery = kernels.matMulPairs(
      aAt * 4,
      fromB * 4,
      outAt * 4,
      m,
      k,
      n,
      lists,
      every,
      panel,
      flags,
    );
    reference.matMul(aAt * 4, bAt * 4, wantAt * 4, m, k, n, 0);
    expect(walkedEvery).toBe(flags & PAIRS_EVERY_STEP ? n / 16 : infinity ? 1 : 0);
    const bits = (from: number) => Buffer.from(heap.buffer, from * 4, m * n * 4);
    expect(bits(outAt).equals(bits(wantAt))).toBe(true);
    if (infinity) expect(heap[outAt + n + 20]).toBeNaN();
    expect(heap.subarray(outAt + m * n, outAt + m * n + GUARD).every((v) => v === 7)).toBe(true);
  });
});
