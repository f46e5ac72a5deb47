import type { CaseResult } from './kernel-cases.js';

/** Element-wise tolerance: `|got - want| <= slack * (atol + rtol * |want|)`. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** Tolerances per backend against CPU (float32 summation orders; GPU math functions are less exact). */
export const PARITY_TOLERANCE: Record<'wasm' | 'webgpu', Tolerance> = {
  wasm: { atol: 1e-5, rtol: 1e-4 },
  webgpu: { atol: 1e-4, rtol: 1e-3 },
};

/**
 * Compares a case's results with the CPU reference: null when every output has the reference's
 * shape and every element is within tolerance, else a sentence naming the first output that is not
 * and its worst element.
 */
export function compareResults(
  got: CaseResult,
  want: CaseResult,
  tolerance: Tolerance,
  slack = 1,
): string | null {
  if (JSON.stringify(got.shapes) !== JSON.stringify(want.shapes)) {
    return `shapes ${JSON.stringify(got.shapes)}, CPU gives ${JSON.stringify(want.shapes)}`;
  }
  for (let output = 0; output < want.values.length; output++) {
    const expected = want.values[output];
    const actual = got.values[output];
    let worst = 0;
    let worstAt = -1;
    for (let i = 0; i < expected.length; i++) {
      const excess =
        Math.abs(actual[i] - expected[i]) - slack * (tolerance.atol + tolerance.rtol * Math.abs(expected[i]));
      if (!(excess <= worst)) {
        worst = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
        worstAt = i;
      }
    }
    if (worstAt >= 0) {
      const what = output === 0 ? 'forward value' : `gradient of input ${output - 1}`;
      return `${what}: element ${worstAt} is ${actual[worstAt]}, CPU gives ${expected[worstAt]}`;
    }
  }
  return null;
}
