import { describe, it } from 'vitest';
import * as kernelsWasm from '../simd/generated/kernels-wasm.js';
import * as pairStepsWasm from '../simd/generated/pair-steps-wasm.js';
import * as rowWideWasm from '../simd/generated/row-wide-wasm.js';
import { fuzzRowLists, ROW_WIDE_WALK, zeroSignCase } from '../test-utils/row-lists-checks.js';

// Random shapes, zero patterns, transposes, flags and the odd Infinity or NaN through row-wide.wat's
// rowSteps (blocks of 256 steps) and matMulRows (32 columns a step), kernel against kernel
// (test-utils/row-lists-checks.ts): the bits of pair-steps.wat's matMulPairs, the values of kernels.wat's
// dense matMul (only a zero's sign may differ, as the last case pins), and nothing written outside the
// scratch (rowWideFloats) and out's m rows. The hand-picked cases: float-row-wide.test.ts.

const BUILDS: [string, string, string, string][] = [
  ['SIMD', rowWideWasm.SIMD_WASM_BASE64, pairStepsWasm.SIMD_WASM_BASE64, kernelsWasm.SIMD_WASM_BASE64],
  ['FMA', rowWideWasm.FMA_WASM_BASE64, pairStepsWasm.FMA_WASM_BASE64, kernelsWasm.FMA_WASM_BASE64],
];

describe('row-wide.wat on random shapes (kernel against the pairs and the dense loop)', () => {
  it.each(BUILDS)(
    'lists, walks and stays inside its scratch and out on random m, k, n, zeros, flags and non-finite values (%s build)',
    (_n, rows, pairs, dense) => fuzzRowLists(ROW_WIDE_WALK, rows, pairs, dense),
  );
});

describe("row-wide.wat and a zero's sign", () => {
  it.each(BUILDS)(
    'gives the values of the pairs and the dense loop in both halves, a -0 only where an FMA sum underflows (%s build)',
    (name, rows, pairs, dense) => zeroSignCase(ROW_WIDE_WALK, name, rows, pairs, dense),
  );
});
