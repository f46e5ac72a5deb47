/**
 * The one-thread float32 product over lists of each row's nonzero steps, 32 columns a step
 * (`row-wide.wat` beside this file), loaded by {@link SimdModule}; float-zero-skip.ts takes it
 * instead of row-steps.ts's 16 columns a step where `n % 32 === 0`.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/row-wide-wasm.js';
import type { RowStepKernels } from './row-steps.js';
import { SimdModule } from './simd-module.js';

/**
 * The module's functions, as {@link RowStepKernels} but for: `rowSteps` lists per block of 256 steps
 * (not 512), and `matMulRows` needs `n % 32 === 0`, walks each row 32 columns at a time, one row at a
 * time, its panel {@link rowWidePanelAt} (two panels of 16 columns, `k * 16` floats each, one after
 * the other), and returns how many panels of 16 columns walked every step: a 16-column half of a
 * panel of 32 whose `b` holds an Infinity or a NaN (every half with flag 2) walks every step of each
 * row, reading `a` in place, while the other half, where finite, walks the row's list (the pairs'
 * panels alike).
 */
export type RowWideKernels = RowStepKernels;

/**
 * Floats of scratch for `rowSteps`' lists of `a [m, k]` and `matMulRows`' panel: 2 words per row
 * and block of 256 steps, 2 per row and step, 16 to align the panel to 64 bytes (a cache line), and
 * the two panels of `k x 16` (nothing after them: one row at a time, no slot stores the sums of an
 * empty row, as row-steps.wat's two slots do into the 16 floats after its panel).
 */
export function rowWideFloats(m: number, k: number): number {
  return 2 * m * Math.ceil(k / 256) + 2 * m * k + 16 + k * 32;
}

/** Where `matMulRows`' panel goes in the scratch at `lists` (bytes; 64-byte aligned). */
export function rowWidePanelAt(lists: number, m: number, k: number): number {
  return Math.ceil((lists + 4 * (2 * m * Math.ceil(k / 256) + 2 * m * k)) / 64) * 64;
}

const rowWideModule = new SimdModule<RowWideKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The kernels on `backend`'s memory, or null where they cannot run (see simd-module.ts). */
export function rowWideKernels(backend: WasmBackendLike): RowWideKernels | null {
  return rowWideModule.on(backend);
}
