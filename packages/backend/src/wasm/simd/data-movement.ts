/**
 * Data movement around the kernels of a training step (`data-movement.wat` beside this file), loaded
 * by {@link SimdModule}: transposes of the last two axes by 4x4 SIMD blocks (the transposes around
 * one-thread matrix products, as the WASM kernel of `Transpose` runs them: kernels/swap-last-axes.ts),
 * and rows copied with zeros around them (the width padding of a first layer's input before its filter
 * gradient: kernels/filter-gradient-by-rows.ts, where a JavaScript loop took about 3 ns per element).
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/data-movement-wasm.js';
import { SimdModule } from './simd-module.js';

/** The module's functions. Pointers and byte sizes are on the WASM heap; elements are 4 bytes. */
export interface DataMovementKernels {
  /**
   * `out[b, c, r] = x[b, r, c]` for `x` `[count, rows, cols]` and `out` `[count, cols, rows]`,
   * row-major, not overlapping.
   */
  swapLastAxes(x: number, out: number, rows: number, cols: number, count: number): void;
  /**
   * For each of `rows` rows of `rowBytes` bytes at `from`: `before` zero bytes, the row, `after` zero
   * bytes, written one row after the other from `to` (sizes multiples of 4). The regions do not overlap.
   */
  padRows(from: number, to: number, rows: number, rowBytes: number, before: number, after: number): void;
}

const dataMovementModule = new SimdModule<DataMovementKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

const enabled = { swapLastAxes: true, padRows: true };

/**
 * Holds the SIMD transpose off (`false`: swaps of the last two axes run on the stock kernel, as
 * before) or lets it run again (the default), for A/B benchmarks and tests. The same bits either way.
 */
export function setSwapLastAxesEnabled(on: boolean): void {
  enabled.swapLastAxes = on;
}

/**
 * Holds the padding kernel off (`false`: a JavaScript loop pads, as before) or lets it run again (the
 * default), for A/B benchmarks and tests. The same bytes either way.
 */
export function setPadRowsEnabled(on: boolean): void {
  enabled.padRows = on;
}

/**
 * The module on `backend`'s memory for `use`, or null where it cannot run (see simd-module.ts) or is
 * held off ({@link setSwapLastAxesEnabled}, {@link setPadRowsEnabled}).
 */
export function dataMovementKernels(
  backend: WasmBackendLike,
  use: keyof typeof enabled,
): DataMovementKernels | null {
  return enabled[use] ? dataMovementModule.on(backend) : null;
}
