/**
 * The integer inference module (`int8.wat` beside this file), loaded by {@link SimdModule}. Pointers
 * are byte offsets into the WASM heap; see int8.wat for each function's layout in memory.
 */
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/int8-wasm.js';
import { SimdModule } from './simd-module.js';

/** The int8 module's functions. */
export interface Int8Simd {
  /**
   * The int16 weight pairs `[blocks, pairs, 8]` as bytes `[blocks, ceil(pairs / 2), 8, 4]`; in the
   * FMA build only (relaxed SIMD), whose byte products it marks.
   */
  packQuads?(w: number, w8: number, blocks: number, pairs: number): void;
  /**
   * Quantizes `rows` rows of `k` floats at `x` to int16 levels in [-top, top] (rows `kPad` apart at
   * `out`, zero past `k`) and writes each row's scale (`max |x| / top`) to `scales`; where `out8` is
   * not 0, the same levels as bytes there too (rows `kPad8` apart). `top`: DENSE_LEVEL_TOP (63) for
   * the products, CONV_LEVEL_TOP (127) for the convolutions (int8-kernels.ts). Returns 1 where some x
   * is negative (or NaN).
   */
  quantizeRows(
    x: number,
    rows: number,
    k: number,
    out: number,
    kPad: number,
    scales: number,
    out8: number,
    kPad8: number,
    top: number,
  ): number;
  /**
   * `out [m, n] = act(a [m, 2 pairs] . w [pairs, nPad] * rowScale * colScales + bias)`; int32 sums;
   * `nPad % 8 === 0`; row i's scale at `rowScales + i * rowStep`. With `bytes` 1 (the FMA build),
   * `pairs` counts units of 4 byte levels and `w` is {@link Int8Simd.packQuads}'s layout.
   */
  gemm(
    a: number,
    w: number,
    out: number,
    m: number,
    pairs: number,
    n: number,
    nPad: number,
    rowScales: number,
    rowStep: number,
    colScales: number,
    bias: number,
    relu: number,
    bytes: number,
  ): void;
  /** The patches of `count` output positions from `first` of one image of `pixelBytes` a position (see int8.wat). */
  im2col(
    q: number,
    out: number,
    first: number,
    count: number,
    inH: number,
    inW: number,
    pixelBytes: number,
    outW: number,
    fH: number,
    fW: number,
    sH: number,
    sW: number,
    padTop: number,
    padLeft: number,
    rowBytes: number,
  ): void;
}

const int8Module = new SimdModule<Int8Simd>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** The int8 kernels on `backend`'s memory, or null where they cannot run (see simd-module.ts). */
export function int8Simd(backend: WasmBackendLike): Int8Simd | null {
  return int8Module.on(backend);
}
