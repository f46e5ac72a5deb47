/**
 * Sums over the leading axis in one pass (`column-sums.wat` beside this file), loaded by
 * {@link SimdModule}: the bias gradients of dense and convolution layers (`sum(dy, 0)`,
 * `sum(dy, [0, 1, 2])`) and batch statistics, as the WASM kernels of `Sum` and `Mean` run them.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/column-sums-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's function. Pointers are byte offsets into the WASM heap, every tensor float32. */
export interface ColumnSumsKernel {
  /** `out[c] = x[0, c] + x[1, c] + ... + x[rows - 1, c]` (in that order) for `x` `[rows, cols]`. */
  columnSums(x: number, out: number, rows: number, cols: number): void;
  /**
   * The same sums, the same bits, for `cols` a multiple of 8: 8 columns at a time in registers over
   * all rows (faster where rows are short; reads `x` once per 8 columns).
   */
  columnSumsNarrow(x: number, out: number, rows: number, cols: number): void;
}

const columnSumsModule = new SimdModule<ColumnSumsKernel>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

let enabled = true;

/**
 * Holds the kernel off (`false`: sums over leading axes run as an XNNPACK average pooling, as
 * before) or lets it run again (the default), for A/B benchmarks and tests.
 */
export function setColumnSumsEnabled(on: boolean): void {
  enabled = on;
}

let narrowEnabled = true;

/**
 * Holds `columnSumsNarrow` off (`false`: 8 or 16 columns are summed row by row, as before; the same
 * bits) or lets it run again (the default), for A/B benchmarks.
 */
export function setNarrowColumnSumsEnabled(on: boolean): void {
  narrowEnabled = on;
}

/** Whether `columnSumsNarrow` may run (see {@link setNarrowColumnSumsEnabled}). */
export function narrowColumnSumsEnabled(): boolean {
  return narrowEnabled;
}

/**
 * The kernel on `backend`'s memory, or null where it cannot run (see simd-module.ts) or is held off
 * ({@link setColumnSumsEnabled}).
 */
export function columnSumsKernel(backend: WasmBackendLike): ColumnSumsKernel | null {
  return enabled ? columnSumsModule.on(backend) : null;
}
