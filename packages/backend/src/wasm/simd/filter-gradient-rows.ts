/**
 * The filter gradient for few input channels (`filter-gradient-rows.wat` beside this file), loaded by
 * {@link SimdModule}: a first layer's (1 or 3 input channels), which kernels.wat's `filterGradient`
 * runs one tap at a time with two accumulators (each multiply-add waits on the one before).
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { directConvEnabled } from './direct-conv.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/filter-gradient-rows-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers are byte offsets into the WASM heap, every tensor float32. */
export interface RowsFilterGradient {
  /**
   * `out[kh, j, co] += sum over b, oh, ow of x[b, oh * strideH + kh - padTop, ow * step + j] *
   * dy[b, oh, ow, co]` for `j` in `[0, run)`: `x` is `[batch, inH, rowFloats]` (rows padded so that
   * every `j` lies inside), `dy` `[batch, outH, outW, outC]`, `out` `[fH, run, outC]` (zeroed by the
   * caller); rows outside `[0, inH)` are skipped. Needs `run % 4 === 0`, `outC % 8 === 0`, every
   * size >= 1.
   */
  filterGradientRows(
    x: number,
    dy: number,
    out: number,
    batch: number,
    inH: number,
    rowFloats: number,
    outH: number,
    outW: number,
    outC: number,
    fH: number,
    strideH: number,
    step: number,
    padTop: number,
    run: number,
  ): void;
}

const rowsModule = new SimdModule<RowsFilterGradient>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/**
 * The kernel on `backend`'s memory, or null where it cannot run (see simd-module.ts) or the direct
 * kernels are held off (`setDirectConvEnabled(false)`).
 */
export function rowsFilterGradient(backend: WasmBackendLike): RowsFilterGradient | null {
  return directConvEnabled() ? rowsModule.on(backend) : null;
}
