/**
 * Transposes of the last two axes by 4x4 SIMD blocks (`swap-last-axes.wat` beside this file), loaded
 * by {@link SimdModule}: the transposes around the matrix products of a training step (a dense
 * layer's weight and input gradients), as the WASM kernel of `Transpose` runs them.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/swap-last-axes-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers are byte offsets into the WASM heap; elements are 4 bytes. */
export interface SwapLastAxesKernel {
  /** `out[c, r] = x[r, c]` for `x` `[rows, cols]` and `out` `[cols, rows]`, row-major, not overlapping. */
  swapLastAxes(x: number, out: number, rows: number, cols: number): void;
}

const swapLastAxesModule = new SimdModule<SwapLastAxesKernel>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

let enabled = true;

/**
 * Holds the kernel off (`false`: such transposes run on the stock kernel, as before) or lets it run
 * again (the default), for A/B benchmarks and tests.
 */
export function setSwapLastAxesEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The kernel on `backend`'s memory, or null where it cannot run (see simd-module.ts) or is held off
 * ({@link setSwapLastAxesEnabled}).
 */
export function swapLastAxesKernel(backend: WasmBackendLike): SwapLastAxesKernel | null {
  return enabled ? swapLastAxesModule.on(backend) : null;
}
