/**
 * The one-thread float32 product over lists of each row's nonzero steps (`row-steps.wat` beside this
 * file), loaded by {@link SimdModule}; float-zero-skip.ts decides per call whether it runs or the
 * pairs' product (pair-steps.ts) does.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/row-steps-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's functions. Pointers are byte offsets into the WASM heap, every tensor float32. */
export interface RowStepKernels {
  /**
   * Lists, for each row `r` of `a [m, k]` (`m` even) and block `kb` of 512 steps of `k`, the steps
   * `p` where `a[r, p]` is not ±0, each as 8 bytes (the address of row `p` of `panel`, `panel + 64 p`,
   * and `a[r, p]`'s bits), at `lists` ({@link rowStepsFloats} floats less the panel's): first `m *
   * ceil(k / 512)` pairs of words (block `(r, kb)`'s first and end addresses at word `2 (r * ceil(k /
   * 512) + kb)`), then each row's steps, `k` at most. Returns how many it listed; {@link pairUnion}
   * then says how many the pairs' lists would.
   */
  rowSteps(a: number, lists: number, m: number, k: number, panel: number): number;
  /**
   * How many pair-steps the last `rowSteps` would have listed for pair-steps.wat (per pair of rows
   * `2r`, `2r + 1`, the steps where either is not ±0): its `pairSteps`' count, without its pass.
   */
  pairUnion(): number;
  /**
   * `out [m, n] = a [m, k] . b [k, n]` (row-major; `out` need not be zeroed) over `rowSteps`' lists
   * of `a` (made with the same `panel`), each row walking its listed steps in order, 16 columns at a
   * time, two rows at once, each panel of 16 columns of `b` first copied to `panel` (`k * 16` floats,
   * 64-byte aligned). A panel holding an Infinity or a NaN walks every step (reading `a` in place);
   * returns how many panels did. Needs `n % 16 === 0`. `flags` as pair-steps.wat's `matMulPairs`:
   * `| 1` where `b` is given transposed, as `bT [n, k]`; `| 2` to walk every step in every panel.
   */
  matMulRows(
    a: number,
    b: number,
    out: number,
    m: number,
    k: number,
    n: number,
    lists: number,
    panel: number,
    flags?: number,
  ): number;
}

/**
 * Floats of scratch for `rowSteps`' lists of `a [m, k]` and `matMulRows`' panel: 2 words per row
 * and block of 512 steps, 2 per row and step, 16 to align the panel to 64 bytes (a cache line), the
 * panel of `k x 16`, and 16 after it (where the two slots' first, empty rows store their sums).
 */
export function rowStepsFloats(m: number, k: number): number {
  return 2 * m * Math.ceil(k / 512) + 2 * m * k + 16 + k * 16 + 16;
}

/** Where `matMulRows`' panel goes in the scratch at `lists` (bytes; 64-byte aligned). */
export function rowPanelAt(lists: number, m: number, k: number): number {
  return Math.ceil((lists + 4 * (2 * m * Math.ceil(k / 512) + 2 * m * k)) / 64) * 64;
}

const rowStepsModule = new SimdModule<RowStepKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The kernels on `backend`'s memory, or null where they cannot run (see simd-module.ts). */
export function rowStepKernels(backend: WasmBackendLike): RowStepKernels | null {
  return rowStepsModule.on(backend);
}
