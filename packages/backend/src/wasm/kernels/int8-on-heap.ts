/**
 * What the int8 dense kernels on one thread share (int8.ts's INT8_MAT_MUL and int8-dense-chain.ts):
 * the check of packed weights, the scratch layout on tfjs-backend-wasm's heap, and one dense layer
 * with int8.wat (quantize the rows, pack the byte weights, multiply by blocks of rows).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import { DENSE_LEVEL_TOP } from '../../int8/int8-kernels.js';
import type { KernelScope } from '../kernel-scope.js';
import type { Int8Simd } from '../simd/int8-simd.js';
import { phaseEnd, phaseStart } from './int8-phases.js';

/** Bytes of levels a block of rows is sized to (they stay in the L2 cache while w streams by). */
export const BLOCK_BYTES = 64 * 1024;

/** Rows of `rowBytes` each that fit `bytes`: a multiple of 4, at least 4, at most `rows`. */
export function blockRows(bytes: number, rowBytes: number, rows: number): number {
  return Math.min(rows, Math.max(4, Math.floor(bytes / Math.max(1, rowBytes)) & ~3));
}

/**
 * Checks that `w` is the packed int32 `[ceil(n / 8), ceil(k / 2), 8]` (see int8-kernels.ts); `what`
 * names it in the error (default `the weights`).
 */
export function checkPacked(w: TensorInfo, k: number, n: number, kernel: string, what = 'the weights'): void {
  const expected = [Math.ceil(n / 8), Math.ceil(k / 2), 8];
  if (w.dtype !== 'int32' || w.shape.join() !== expected.join())
    throw new BackendError(
      `${kernel}: ${what} must be int32 [${expected}] (two int8 levels each, blocks of 8 columns) for ${k} inputs and ${n} outputs, got ${w.dtype} [${w.shape}].`,
    );
}

/**
 * One scratch allocation on the heap holding `words` (name, 4-byte words) one after another, each
 * region 16-byte aligned. Returns the buffer and each region's byte offset, taken after this
 * allocation (an allocation may move the heap: allocate nothing more before using them).
 */
export function heapRegions(
  scope: KernelScope,
  words: ReadonlyArray<readonly [string, number]>,
): { buffer: TensorInfo; at: Record<string, number> } {
  const offsets: Record<string, number> = {};
  let total = 0;
  for (const [name, count] of words) {
    offsets[name] = total;
    total += Math.ceil(count / 4) * 4;
  }
  const buffer = scope.allocate([total + 4], 'int32');
  const base = Math.ceil(scope.backend.typedArrayFromHeap(buffer).byteOffset / 16) * 16;
  const at: Record<string, number> = {};
  for (const [name, offset] of Object.entries(offsets)) at[name] = base + offset * 4;
  return { buffer, at };
}

/** Heap byte offsets and sizes of one dense layer on one thread (see {@link denseOnHeap}). */
export interface DenseOnHeap {
  /** Input floats `[m, k]`. */
  x: number;
  m: number;
  k: number;
  n: number;
  /** Packed int16 weight pairs `[blocks, pairs, 8]`. */
  w: number;
  blocks: number;
  pairs: number;
  /** Scratch: int16 levels `[m, pairs]` words, row scales `[m]`. */
  levels: number;
  rowScales: number;
  /** Scratch where relaxed SIMD runs: byte levels `[m, quads] + 4` words, byte weights `[blocks * 8, quads]` words. */
  levels8: number;
  w8: number;
  /** Scales and bias, `[blocks * 8]` floats each (zero past n). */
  scales: number;
  bias: number;
  /** Output floats `[m, n]`. */
  out: number;
  relu: boolean;
}

/**
 * `out [m, n] = act(q(x) . w * scales + bias)` with int8.wat on one thread: the rows quantized to
 * int16 levels (and bytes where relaxed SIMD runs; then, where no x is negative, byte products: the
 * same sums), multiplied a block of rows at a time.
 */
export function denseOnHeap(simd: Int8Simd, a: DenseOnHeap): void {
  const quads = Math.ceil(a.pairs / 2);
  const relaxed = simd.packQuads != null;
  let clock = phaseStart();
  const negative = simd.quantizeRows(
    a.x,
    a.m,
    a.k,
    a.levels,
    2 * a.pairs,
    a.rowScales,
    relaxed ? a.levels8 : 0,
    4 * quads,
    DENSE_LEVEL_TOP,
  );
  const bytes = relaxed && negative === 0;
  clock = phaseEnd(`quantize ${a.k}`, clock);
  if (bytes) simd.packQuads?.(a.w, a.w8, a.blocks, a.pairs);
  clock = phaseEnd(`weights, scales ${a.k}x${a.n}`, clock);
  const units = bytes ? quads : a.pairs;
  const levels = bytes ? a.levels8 : a.levels;
  const rows = blockRows(BLOCK_BYTES, units * 4, a.m);
  for (let i = 0; i < a.m; i += rows)
    simd.gemm(
      levels + i * units * 4,
      bytes ? a.w8 : a.w,
      a.out + i * a.n * 4,
      Math.min(rows, a.m - i),
      units,
      a.n,
      a.blocks * 8,
      a.rowScales + i * 4,
      4,
      a.scales,
      a.bias,
      a.relu ? 1 : 0,
      bytes ? 1 : 0,
    );
  phaseEnd(`product ${a.k}x${a.n}`, clock);
}
