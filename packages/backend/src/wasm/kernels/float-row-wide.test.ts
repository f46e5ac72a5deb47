import { describe, expect, it } from 'vitest';
import * as kernelsWasm from '../simd/generated/kernels-wasm.js';
import * as pairStepsWasm from '../simd/generated/pair-steps-wasm.js';
import * as rowWideWasm from '../simd/generated/row-wide-wasm.js';
import { pairStepsFloats } from '../simd/pair-steps.js';
import { rowStepsFloats } from '../simd/row-steps.js';
import { rowWideFloats, rowWidePanelAt } from '../simd/row-wide.js';
import { pairModulesOn } from '../test-utils/pair-modules.js';
import {
  bitsOnShapes,
  listsLayoutCase,
  ROW_WIDE_WALK,
  type RowListsShape,
  sparse,
} from '../test-utils/row-lists-checks.js';
import { sequence } from '../test-utils/run-kernel.js';
import { pairListFloats } from './float-zero-skip.js';

// The lists per single row in blocks of 256 steps and the product over them 32 columns a step
// (row-wide.wat), kernel against kernel; which products take it: float-row-lists.test.ts; random
// shapes: float-row-wide-fuzz.test.ts.

const BUILDS: [string, string, string, string][] = [
  ['SIMD', rowWideWasm.SIMD_WASM_BASE64, pairStepsWasm.SIMD_WASM_BASE64, kernelsWasm.SIMD_WASM_BASE64],
  ['FMA', rowWideWasm.FMA_WASM_BASE64, pairStepsWasm.FMA_WASM_BASE64, kernelsWasm.FMA_WASM_BASE64],
];

/** The three modules of one build on one fresh heap of 96 pages (6 MiB). */
function modules(rows: string, pairs: string, dense: string) {
  const { kernels, reference, heap, rowKernels } = pairModulesOn(pairs, dense, 96, rows);
  if (rowKernels == null) throw new Error('row-wide.wat did not load');
  return { rowKernels, pairKernels: kernels, reference, heap, words: new Int32Array(heap.buffer) };
}

describe('rowSteps and matMulRows (row-wide.wat)', () => {
  it.each(BUILDS)(
    'lists per row and block of 256 steps the steps not ±0, as the panel row and the value, and counts the pairs (%s build)',
    (_n, rows, pairs, dense) => {
      listsLayoutCase(ROW_WIDE_WALK, modules(rows, pairs, dense));
    },
  );

  // [m, k, n, share of a that is ±0, b given transposed]
  const SHAPES: RowListsShape[] = [
    [8, 300, 32, 0.5, false], // two blocks, the second of 44 steps
    [6, 7, 32, 0.3, false], // a tail only
    [12, 784, 64, 0.8, false], // MNIST's k: blocks of 256, 256, 256 and 16, out carrying the sums
    [10, 700, 96, 0.6, false], // three blocks, three panels of 32 columns
    [130, 128, 32, 0.5, false], // many rows, one block (x^T . dy's k)
    [10, 515, 32, 0, false], // nothing to pass over
    [10, 515, 32, 1, false], // everything ±0: every output 0
    [16, 256, 64, 0.5, true], // dy . W^T, W as it lies
    [12, 784, 32, 0.8, true], // transposed, several blocks
  ];

  it.each(BUILDS)(
    'gives the bits of the pairs and of the dense product, on an even and an odd count of rows (%s build)',
    (_n, rows, pairs, dense) => bitsOnShapes(ROW_WIDE_WALK, SHAPES, rows, pairs, dense),
  );

  it.each(BUILDS)(
    'walks every step of each row in a panel of 16 columns of b that holds an Infinity or a NaN (the other half of its 32 over its list), and in every panel with flag 2 (%s build)',
    (_n, rows, pairs, dense) => {
      const [m, k, n] = [8, 600, 96];
      const { rowKernels, reference, heap } = modules(rows, pairs, dense);
      const a = sparse(m, k, 0.6, 5);
      a.fill(0, 5 * k, 6 * k); // row 5 all 0: 0 x Infinity must give its NaN
      heap.set(a, 0);
      heap.set(sequence(k * n, 6), m * k);
      const [out, want] = [m * k + k * n, m * k + k * n + m * n];
      const lists = (want + m * n) * 4;
      const panel = rowWidePanelAt(lists, m, k);
      const bits = (from: number) => Buffer.from(heap.buffer, from * 4, m * n * 4);
      // an Infinity in columns 16-31 (the second half of the first 32), then a NaN in columns 64-79 (the
      // first half of the third 32), then both
      for (const [columns, value, panels] of [
        [[20], Number.POSITIVE_INFINITY, 1],
        [[70], Number.NaN, 1],
        [[20, 70], Number.NaN, 2],
      ] as const) {
        heap.set(sequence(k * n, 6), m * k);
        for (const column of columns) heap[m * k + 300 * n + column] = value; // step 300: the second block
        rowKernels.rowSteps(0, lists, m, k, panel);
        expect(rowKernels.matMulRows(0, m * k * 4, out * 4, m, k, n, lists, panel)).toBe(panels);
        reference.matMul(0, m * k * 4, want * 4, m, k, n, 0);
        for (const column of columns) expect(heap[out + 5 * n + column]).toBeNaN();
        expect(heap[out + 5 * n + 3]).toBe(0); // (its finite half: the row's list is empty)
        expect(bits(out).equals(bits(want))).toBe(true);
      }
      heap.set(sequence(k * n, 6), m * k);
      expect(rowKernels.matMulRows(0, m * k * 4, out * 4, m, k, n, lists, panel, 2)).toBe(n / 16);
      reference.matMul(0, m * k * 4, want * 4, m, k, n, 0);
      expect(bits(out).equals(bits(want))).toBe(true);
    },
  );
});

describe('the scratch the one-thread products over lists reserve (pairListFloats)', () => {
  it("holds the wide rows' two panels only where n % 32 == 0 (else the 16 columns' one panel)", () => {
    // a small m against a large k: the panels are most of the scratch
    const [m, k] = [2, 8192];
    expect(pairListFloats(m, k, 64)).toBe(Math.max(pairStepsFloats(m, k), rowWideFloats(m, k)));
    expect(pairListFloats(m, k, 48)).toBe(Math.max(pairStepsFloats(m, k), rowStepsFloats(m, k)));
    expect(pairListFloats(m, k, 48)).toBeLessThan(0.6 * pairListFloats(m, k, 64));
    // (the MLP's x [128, 784] times W1: the wide rows)
    expect(pairListFloats(128, 784, 512)).toBeGreaterThanOrEqual(rowWideFloats(128, 784));
  });
});
