/**
 * Rows copied with zeros before and after each (`pad-rows.wat` beside this file), loaded by
 * {@link SimdModule}: the width padding of a first layer's input before its filter gradient
 * (kernels/filter-gradient-by-rows.ts), which a JavaScript loop did at about 3 ns per element.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/pad-rows-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers and sizes are in bytes (multiples of 4) on the WASM heap. */
export interface PadRowsKernel {
  /**
   * For each of `rows` rows of `rowBytes` bytes at `from`: `before` zero bytes, the row, `after` zero
   * bytes, written one row after the other from `to`. The regions do not overlap.
   */
  padRows(from: number, to: number, rows: number, rowBytes: number, before: number, after: number): void;
}

const padRowsModule = new SimdModule<PadRowsKernel>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

let enabled = true;

/**
 * Holds the kernel off (`false`: the padding is a JavaScript loop, as before) or lets it run again
 * (the default), for A/B benchmarks and tests. The same bytes either way.
 */
export function setPadRowsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The kernel on `backend`'s memory, or null where it cannot run (see simd-module.ts) or is held off
 * ({@link setPadRowsEnabled}).
 */
export function padRowsKernel(backend: WasmBackendLike): PadRowsKernel | null {
  return enabled ? padRowsModule.on(backend) : null;
}
