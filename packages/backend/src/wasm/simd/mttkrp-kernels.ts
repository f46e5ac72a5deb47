/**
 * tensorfold's CP-ALS module (`mttkrp.wat` beside this file: the Khatri-Rao contraction and the row
 * contraction), loaded by {@link SimdModule} (see simd-module.ts for when it runs and which build:
 * SIMD or FMA). Its kernels (`kernels/khatri-rao-contraction.ts`, `kernels/row-contraction.ts`) ask
 * {@link mttkrpKernels}; where that returns null they compute in JavaScript, with the same results
 * up to float32 rounding.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/mttkrp-wasm.js';
import { type SimdKernelsFlavor, SimdModule } from './simd-module.js';

/** The module's functions. Pointers are byte offsets into the WASM heap; every array float32, row-major. */
export interface MttkrpKernels {
  /**
   * `out[r, c] = Σ_b left[r, b] · Σ_a right[r, a] · x[b, a, c]` for `x` `[before, after, cols]`,
   * `left` `[rows, before]`, `right` `[rows, after]`, `out` `[rows, cols]` (need not be zeroed), for
   * the columns `c < colsEnd` only. Needs `rows % 2 === 0`, `colsEnd % 16 === 0`, `after >= 1`.
   */
  khatriRaoContraction(
    x: number,
    left: number,
    right: number,
    out: number,
    rows: number,
    before: number,
    after: number,
    cols: number,
    colsEnd: number,
  ): void;
  /**
   * `out[r, i] = Σ_b left[r, b] · Σ_a right[r, a] · p[r, b, i, a]`, in float64 sums rounded once to
   * float32, for `p` `[rows, stride]` (each row's first `before·n·after` values read as
   * `[before, n, after]`), `left` `[rows, before]`, `right` `[rows, after]`, `out` `[rows, n]`.
   * Needs `before >= 1`, `after >= 1`.
   */
  rowContraction(
    p: number,
    left: number,
    right: number,
    out: number,
    rows: number,
    stride: number,
    before: number,
    n: number,
    after: number,
  ): void;
}

const mttkrpModule = new SimdModule<MttkrpKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** Which build of the module {@link mttkrpKernels} gives on this runtime (see simd-module.ts). */
export function mttkrpKernelsFlavor(): SimdKernelsFlavor {
  return mttkrpModule.flavor();
}

/** The module's kernels on `backend`'s memory, or null where they cannot run (see simd-module.ts). */
export function mttkrpKernels(backend: WasmBackendLike): MttkrpKernels | null {
  return mttkrpModule.on(backend);
}
