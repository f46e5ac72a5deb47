import { describe, it } from 'vitest';
import * as kernelsWasm from '../simd/generated/kernels-wasm.js';
import * as pairStepsWasm from '../simd/generated/pair-steps-wasm.js';
import * as rowStepsWasm from '../simd/generated/row-steps-wasm.js';
import { fuzzRowLists, ROW_STEPS_WALK, zeroSignCase } from '../test-utils/row-lists-checks.js';

// Random shapes, zero patterns, transposes, flags and the odd Infinity or NaN through row-steps.wat's
// rowSteps and matMulRows, kernel against kernel (test-utils/row-lists-checks.ts): the bits of
// pair-steps.wat's matMulPairs (the same steps passed over), the values of kernels.wat's dense matMul
// (which adds every ±0 step: only a zero's sign may differ, as the last case pins), and nothing written
// outside the scratch (rowStepsFloats) and out's m rows. The hand-picked cases: float-row-lists.test.ts.

const BUILDS: [string, string, string, string][] = [
  ['SIMD', rowStepsWasm.SIMD_WASM_BASE64, pairStepsWasm.SIMD_WASM_BASE64, kernelsWasm.SIMD_WASM_BASE64],
  ['FMA', rowStepsWasm.FMA_WASM_BASE64, pairStepsWasm.FMA_WASM_BASE64, kernelsWasm.FMA_WASM_BASE64],
];

describe('row-steps.wat on random shapes (kernel against the pairs and the dense loop)', () => {
  it.each(BUILDS)(
    'lists, walks and stays inside its scratch and out on random m, k, n, zeros, flags and non-finite values (%s build)',
    (_n, rows, pairs, dense) => fuzzRowLists(ROW_STEPS_WALK, rows, pairs, dense),
  );
});

describe("row-steps.wat and a zero's sign", () => {
  it.each(BUILDS)(
    'gives the values of the pairs and the dense loop, a -0 only where an FMA sum underflows (%s build)',
    (name, rows, pairs, dense) => zeroSignCase(ROW_STEPS_WALK, name, rows, pairs, dense),
  );
});
