import { afterEach, describe, expect, it } from 'vitest';
import * as kernelsWasm from '../simd/generated/kernels-wasm.js';
import * as pairStepsWasm from '../simd/generated/pair-steps-wasm.js';
import * as rowStepsWasm from '../simd/generated/row-steps-wasm.js';
import { rowPanelAt } from '../simd/row-steps.js';
import { simdKernelsFlavor } from '../simd/simd-kernels.js';
import { input, onOneWasmThreadWithFloatSkip } from '../test-utils/float-pairs.js';
import { pairModulesOn } from '../test-utils/pair-modules.js';
import {
  bitsOnShapes,
  listsLayoutCase,
  ROW_STEPS_WALK,
  type RowListsShape,
  sparse,
} from '../test-utils/row-lists-checks.js';
import { type KernelInput, runKernelOn, sameBits, sequence, worstExcess } from '../test-utils/run-kernel.js';
import {
  floatRowWalks,
  floatWideRowWalks,
  floatZeroStepsSkipped,
  MAX_ROW_LISTED_FLOATS,
  REST_CALLS,
  ROWS_AT_MOST_QUARTERS,
  setFloatPairListsEnabled,
  setFloatRowListsEnabled,
  setFloatZeroSkipEnabled,
  WIDE_ROWS_AT_MOST_32NDS,
} from './float-zero-skip.js';

// The lists per single row (row-steps.wat) and the one-thread products that walk them where they list
// little enough against the lists per pair of rows (float-pair-lists.test.ts).

const BUILDS: [string, string, string, string][] = [
  ['SIMD', rowStepsWasm.SIMD_WASM_BASE64, pairStepsWasm.SIMD_WASM_BASE64, kernelsWasm.SIMD_WASM_BASE64],
  ['FMA', rowStepsWasm.FMA_WASM_BASE64, pairStepsWasm.FMA_WASM_BASE64, kernelsWasm.FMA_WASM_BASE64],
];

/** The three modules of one build on one fresh heap of 64 pages (4 MiB). */
function modules(rows: string, pairs: string, dense: string) {
  const { kernels, reference, heap, rowKernels } = pairModulesOn(pairs, dense, 64, rows);
  if (rowKernels == null) throw new Error('row-steps.wat did not load');
  return { rowKernels, pairKernels: kernels, reference, heap, words: new Int32Array(heap.buffer) };
}

describe('rowSteps and matMulRows (row-steps.wat)', () => {
  it.each(BUILDS)(
    'lists per row and block of 512 steps the steps not ±0, as the panel row and the value, and counts the pairs (%s build)',
    (_n, rows, pairs, dense) => {
      listsLayoutCase(ROW_STEPS_WALK, modules(rows, pairs, dense));
    },
  );

  // [m, k, n, share of a that is ±0, b given transposed]
  const SHAPES: RowListsShape[] = [
    [8, 300, 32, 0.5, false], // one block, k % 4 = 0
    [6, 7, 16, 0.3, false], // a tail only
    [12, 1030, 48, 0.8, false], // three blocks, the tail: out carries the sums between blocks
    [130, 128, 16, 0.5, false], // many rows: slots take rows in turn
    [10, 515, 32, 0, false], // nothing to pass over
    [10, 515, 32, 1, false], // everything ±0: every output 0
    [16, 256, 48, 0.5, true], // dy . W^T, W as it lies
  ];

  it.each(BUILDS)(
    'gives the bits of the pairs and of the dense product, on an even and an odd count of rows (%s build)',
    (_n, rows, pairs, dense) => bitsOnShapes(ROW_STEPS_WALK, SHAPES, rows, pairs, dense),
  );

  it.each(BUILDS)(
    'walks every step of each row in a panel of b that holds an Infinity or a NaN, and in every panel with flag 2 (%s build)',
    (_n, rows, pairs, dense) => {
      const [m, k, n] = [8, 600, 48];
      const { rowKernels, reference, heap } = modules(rows, pairs, dense);
      const a = sparse(m, k, 0.6, 5);
      a.fill(0, 5 * k, 6 * k); // row 5 all 0: 0 x Infinity must give its NaN
      heap.set(a, 0);
      heap.set(sequence(k * n, 6), m * k);
      heap[m * k + 3 * n + 20] = Number.POSITIVE_INFINITY; // panel 1 (columns 16-31)
      const [out, want] = [m * k + k * n, m * k + k * n + m * n];
      const lists = (want + m * n) * 4;
      const panel = rowPanelAt(lists, m, k);
      rowKernels.rowSteps(0, lists, m, k, panel);
      expect(rowKernels.matMulRows(0, m * k * 4, out * 4, m, k, n, lists, panel)).toBe(1);
      reference.matMul(0, m * k * 4, want * 4, m, k, n, 0);
      expect(heap[out + 5 * n + 20]).toBeNaN();
      const bits = (from: number) => Buffer.from(heap.buffer, from * 4, m * n * 4);
      expect(bits(out).equals(bits(want))).toBe(true);
      heap[m * k + 3 * n + 20] = 1;
      expect(rowKernels.matMulRows(0, m * k * 4, out * 4, m, k, n, lists, panel, 2)).toBe(n / 16);
      reference.matMul(0, m * k * 4, want * 4, m, k, n, 0);
      expect(bits(out).equals(bits(want))).toBe(true);
    },
  );
});

interface Case {
  a: KernelInput;
  b: KernelInput;
  attrs?: Record<string, unknown>;
}

/**
 * The case's product on WASM, with the rows on or off (as they are where not given), how many products
 * walked rows, and how many of those 32 columns a step (row-wide.wat).
 */
async function run(c: Case, rowsOn?: boolean) {
  if (rowsOn !== undefined) setFloatRowListsEnabled(rowsOn);
  const [before, wideBefore] = [floatRowWalks(), floatWideRowWalks()];
  const out = await runKernelOn(
    'wasm',
    'BatchMatMul',
    { a: c.a, b: c.b },
    { transposeA: false, transposeB: false, ...c.attrs },
  );
  return { out, walked: floatRowWalks() - before, wide: floatWideRowWalks() - wideBefore };
}

/**
 * `a [m, k]` whose rows 2r and 2r + 1 are each not ±0 at `each` steps of every 128, `shared` of them
 * the same: a row lists `each / 128` of the steps, a pair `(2 each - shared) / 128`.
 */
function overlapping(m: number, k: number, each: number, shared: number, seed: number): Float32Array {
  const a = new Float32Array(m * k);
  const values = sequence(m * k, seed);
  for (let r = 0; r < m; r++) {
    const first = r % 2 === 0 ? 0 : each - shared; // row 2r + 1 starts where the shared steps do
    for (let p = 0; p < k; p++)
      if ((p % 128) - first >= 0 && (p % 128) - first < each) a[r * k + p] = values[r * k + p] || 1;
  }
  return a;
}

describe('which products walk the rows (float-zero-skip.ts), one thread', () => {
  onOneWasmThreadWithFloatSkip();
  afterEach(() => {
    setFloatRowListsEnabled(true);
    setFloatZeroSkipEnabled(true);
  });

  const relu = (rows: number, cols: number, seed: number) => sparse(rows, cols, 0.5, seed);
  const CASES: [string, Case][] = [
    [
      "a hidden layer's forward pass on a ReLU's output (h . W)",
      { a: input(relu(128, 512, 1), [128, 512]), b: input(sequence(512 * 256, 2), [512, 256]) },
    ],
    [
      'its weight gradient (h^T . dy, transposeA)',
      {
        a: input(relu(128, 512, 3), [128, 512]),
        b: input(relu(128, 256, 4), [128, 256]),
        attrs: { transposeA: true },
      },
    ],
    [
      'its input gradient (dy . W^T, W read as it lies)',
      {
        a: input(relu(128, 256, 5), [128, 256]),
        b: input(sequence(512 * 256, 6), [512, 256]),
        attrs: { transposeB: true },
      },
    ],
    [
      "MNIST-like pixels (a first layer's forward pass, k = 784: two blocks)",
      { a: input(sparse(64, 784, 0.8, 7), [64, 784]), b: input(sequence(784 * 64, 8), [784, 64]) },
    ],
    [
      'MNIST-like pixels, 48 columns (not a multiple of 32: 16 columns a step)',
      { a: input(sparse(64, 784, 0.8, 16), [64, 784]), b: input(sequence(784 * 48, 17), [784, 48]) },
    ],
  ];

  it.each(CASES)("walks the rows with the pairs' bits, the CPU backend within 1e-4: %s", async (_name, c) => {
    const want = await runKernelOn(
      'cpu',
      'BatchMatMul',
      { a: c.a, b: c.b },
      {
        transposeA: false,
        transposeB: false,
        ...c.attrs,
      },
    );
    const skippedBefore = floatZeroStepsSkipped();
    const rows = await run(c, true);
    const skippedRows = floatZeroStepsSkipped() - skippedBefore;
    const pairsBefore = floatZeroStepsSkipped();
    const pairs = await run(c, false);
    const skippedPairs = floatZeroStepsSkipped() - pairsBefore;
    if (simdKernelsFlavor() === 'fma') {
      expect(rows.walked).toBe(1);
      expect(rows.wide).toBe(rows.out.shape[1] % 32 === 0 ? 1 : 0);
      // a row passes over more than a pair does (the same unit: 32 multiply-adds)
      expect(skippedRows).toBeGreaterThan(skippedPairs);
    }
    expect(pairs.walked).toBe(0);
    expect(sameBits(rows.out.values, pairs.out.values)).toBe(true);
    expect(worstExcess(rows.out.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it("walks the rows 16 columns a step where a row lists at most 3/4 of a pair's share, else rests the shape for REST_CALLS calls", async () => {
    expect(ROWS_AT_MOST_QUARTERS).toBe(3);
    // 48 columns (not a multiple of 32: row-steps.wat); 1.5 x 2^20 multiply-adds
    const [m, k, n] = [64, 512, 48];
    const b = input(sequence(k * n, 9), [k, n]);
    // each row 48 of every 128 steps; pairs sharing 32: union 64, rows at 96 / 128 = 3/4 of it
    const atBound: Case = { a: input(overlapping(m, k, 48, 32, 10), [m, k]), b };
    // sharing 33: union 63, rows at 96 / 126
    const over: Case = { a: input(overlapping(m, k, 48, 33, 11), [m, k]), b };
    if (simdKernelsFlavor() !== 'fma') return;
    expect((await run(atBound, true)).walked).toBe(1);
    const pairsOnly = await run(over, false);
    const lost = await run(over, true);
    expect(lost.walked).toBe(0);
    expect(sameBits(lost.out.values, pairsOnly.out.values)).toBe(true);
    // the shape rests: REST_CALLS calls take the pairs without listing the rows, whatever a holds
    for (let call = 0; call < REST_CALLS; call++) expect((await run(atBound)).walked).toBe(0);
    expect((await run(atBound)).walked).toBe(1);
    // another shape does not rest
    const other: Case = {
      a: input(overlapping(m, 2 * k, 48, 32, 12), [m, 2 * k]),
      b: input(sequence(2 * k * n, 13), [2 * k, n]),
    };
    expect((await run(over)).walked).toBe(0);
    expect((await run(other)).walked).toBe(1);
    // the rest outlasts turning the rows off and on (an A/B's rounds); the pairs' switch wakes it
    expect((await run(over)).walked).toBe(0);
    setFloatRowListsEnabled(false);
    expect((await run(atBound, true)).walked).toBe(0);
    setFloatPairListsEnabled(true);
    expect((await run(atBound)).walked).toBe(1);
    expect((await run(over)).walked).toBe(0);
    setFloatZeroSkipEnabled(true);
    expect((await run(atBound)).walked).toBe(1);
  });

  it("walks the rows 32 columns a step where n % 32 == 0 and a row lists at most 27/32 of a pair's share", async () => {
    expect(WIDE_ROWS_AT_MOST_32NDS).toBe(27);
    const [m, k, n] = [64, 512, 32]; // 2^20 multiply-adds: the least the pairs (and rows) take
    const b = input(sequence(k * n, 18), [k, n]);
    // each row 54 of every 128 steps; pairs sharing 44: union 64, rows at 108 / 128 = 27/32 of it
    const atBound: Case = { a: input(overlapping(m, k, 54, 44, 19), [m, k]), b };
    // sharing 45: union 63, rows at 108 / 126
    const over: Case = { a: input(overlapping(m, k, 54, 45, 20), [m, k]), b };
    if (simdKernelsFlavor() !== 'fma') return;
    const walked = await run(atBound, true);
    expect([walked.walked, walked.wide]).toEqual([1, 1]);
    const pairsOnly = await run(atBound, false);
    expect(sameBits(walked.out.values, pairsOnly.out.values)).toBe(true);
    const lost = await run(over, true);
    expect(lost.walked).toBe(0);
    // the shape rests as the 16 columns' do
    expect((await run(atBound)).walked).toBe(0);
    // 16 columns a step, the same a: 27/32 is over their 3/4
    const narrow: Case = { a: atBound.a, b: input(sequence(k * 48, 21), [k, 48]) };
    expect((await run(narrow)).walked).toBe(0);
  });

  it('takes the rows only where the pairs could run (columns a multiple of 16, rows even, 2^20 multiply-adds) and a is at most MAX_ROW_LISTED_FLOATS', async () => {
    const sparseA = (m: number, k: number) => input(relu(m, k, 14), [m, k]);
    expect(MAX_ROW_LISTED_FLOATS).toBe(2048 * 1024);
    for (const [m, k, n] of [
      [64, 512, 40], // columns
      [63, 512, 32], // odd rows
      [32, 512, 32], // 2^19 multiply-adds
      [8196, 256, 32], // a over 2^21 floats: its lists would take 16 MiB
    ]) {
      expect((await run({ a: sparseA(m, k), b: input(sequence(k * n, 15), [k, n]) }, true)).walked).toBe(0);
    }
  });
});
