import { describe, expect, it } from 'vitest';
import * as kernelsWasm from '../simd/generated/kernels-wasm.js';
import * as pairStepsWasm from '../simd/generated/pair-steps-wasm.js';
import * as rowStepsWasm from '../simd/generated/row-steps-wasm.js';
import { pairScratchAt } from '../simd/pair-steps.js';
import { rowPanelAt, rowStepsFloats } from '../simd/row-steps.js';
import { pairModulesOn } from '../test-utils/pair-modules.js';
import { fuzzRowLists, offFloats } from '../test-utils/row-lists-fuzz.js';

// Random shapes, zero patterns, transposes, flags and the odd Infinity or NaN through row-steps.wat's
// rowSteps and matMulRows, kernel against kernel (test-utils/row-lists-fuzz.ts): the bits of pair-steps.wat's matMulPairs (the same
// steps passed over), the values of kernels.wat's dense matMul (which adds every ±0 step: only a
// zero's sign may differ), and nothing written outside the scratch (rowStepsFloats) and out's m rows.
// The hand-picked cases: float-row-lists.test.ts.

const BUILDS: [string, string, string, string][] = [
  ['SIMD', rowStepsWasm.SIMD_WASM_BASE64, pairStepsWasm.SIMD_WASM_BASE64, kernelsWasm.SIMD_WASM_BASE64],
  ['FMA', rowStepsWasm.FMA_WASM_BASE64, pairStepsWasm.FMA_WASM_BASE64, kernelsWasm.FMA_WASM_BASE64],
];

describe('row-steps.wat on random shapes (kernel against the pairs and the dense loop)', () => {
  it.each(BUILDS)(
    'lists, walks and stays inside its scratch and out on random m, k, n, zeros, flags and non-finite values (%s build)',
    (_n, rows, pairs, dense) =>
      fuzzRowLists(
        {
          name: 'row-steps.wat',
          seed: 2026,
          pages: 80,
          ks: [1, 2, 3, 4, 5, 511, 512, 513, 1023, 1024, 1027],
          columns: 16,
          panels: 4,
          block: 512,
          floats: rowStepsFloats,
          panelAt: rowPanelAt,
        },
        rows,
        pairs,
        dense,
      ),
  );
});

describe("row-steps.wat and a zero's sign", () => {
  it.each(BUILDS)(
    'gives the values of the pairs and the dense loop, a -0 only where an FMA sum underflows (%s build)',
    (name, rows, pairs, dense) => {
      const { rowKernels, kernels: pairKernels, reference, heap } = pairModulesOn(pairs, dense, 64, rows);
      if (rowKernels == null) throw new Error('row-steps.wat did not load');
      const [m, k, n] = [4, 4, 16];
      const a = new Float32Array(m * k); // [4, 4]
      a[0] = -1e-30; // row 0 [-1e-30, 0, 0, 0]: its one product underflows
      a[k + 1] = 1; // row 1 [0, 1, 0, 0]: the pair lists step 1 for row 0 too
      const b = new Float32Array(k * n).fill(1e-30); // [4, 16]
      b.fill(1, n, 2 * n);
      const [aAt, bAt, rowsOut, pairsOut, denseOut] = [0, 64, 1024, 2048, 3072]; // floats
      heap.set(a, aAt);
      heap.set(b, bAt);
      const lists = 16384 * 4;
      const panel = rowPanelAt(lists, m, k);
      rowKernels.rowSteps(aAt * 4, lists, m, k, panel);
      rowKernels.matMulRows(aAt * 4, bAt * 4, rowsOut * 4, m, k, n, lists, panel, 0);
      pairKernels.pairSteps(aAt * 4, lists, m, k);
      const { every, panel: pairPanel } = pairScratchAt(lists, m, k);
      pairKernels.matMulPairs(aAt * 4, bAt * 4, pairsOut * 4, m, k, n, lists, every, pairPanel, 0);
      reference.matMul(aAt * 4, bAt * 4, denseOut * 4, m, k, n, 0);
      const out = (at: number) => heap.slice(at, at + m * n);
      expect(offFloats(out(rowsOut), out(denseOut), false)).toEqual([]);
      expect(offFloats(out(rowsOut), out(pairsOut), false)).toEqual([]);
      // the FMA rounds -1e-60 once, to -0; the SIMD build's multiply gives -0, and +0 + -0 is +0. The
      // pairs and the dense loop then add row 0's +0 x 1 at step 1, which turns -0 to +0; the row does not.
      expect(Object.is(heap[rowsOut], -0)).toBe(name === 'FMA');
      expect(Object.is(heap[pairsOut], 0)).toBe(true);
      expect(Object.is(heap[denseOut], 0)).toBe(true);
    },
  );
});
