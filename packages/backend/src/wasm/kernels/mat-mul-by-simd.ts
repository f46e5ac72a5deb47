import { broadcast_util, type NamedAttrMap, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { biasRelu } from '../simd/bias-relu.js';
import { pairStepKernels } from '../simd/pair-steps.js';
import { rowStepKernels } from '../simd/row-steps.js';
import { rowWideKernels } from '../simd/row-wide.js';
import { simdKernels, simdKernelsFlavor } from '../simd/simd-kernels.js';
import {
  floatZeroSkipTried,
  listedMatMul,
  pairListFloats,
  pairListsWanted,
  pairsMatMulTransposedB,
  skipListFloats,
} from './float-zero-skip.js';

/** Below this many multiply-adds XNNPACK's product is left in place (the two are alike on tiny products). */
const MIN_MULTIPLY_ADDS = 16 * 16 * 16;

/**
 * Products with more rows and a larger inner size than this stay on XNNPACK, which packs its
 * operands: the kernel here re-reads a block of `a` (rows x 128) from the L2 cache for every 8
 * columns, and at 512x512x512 it measured 0.77-0.83x of XNNPACK (BENCHMARKS.md).
 */
const LARGE = 256;

/**
 * Whether {@link matMulBySimd} takes a plain product `[rows, inner] x [inner, cols]` by its shape
 * (where the FMA build runs; a bias or activation may still send it elsewhere).
 */
export function simdMatMulTakes(rows: number, inner: number, cols: number): boolean {
  if (rows % 4 !== 0 || cols % 8 !== 0 || rows * inner * cols < MIN_MULTIPLY_ADDS) return false;
  return rows <= LARGE || inner <= LARGE;
}

/**
 * The product of a plain `matMul` (nothing transposed, no batch; `_FusedMatMul`'s per-column bias
 * and relu added after it) by tensorfold's register-blocked SIMD kernel ({@link SimdKernels.matMul}), or null to leave it to
 * XNNPACK. Taken only where the kernels run their FMA build (relaxed SIMD): there the kernel runs
 * the training shapes about 1.6x faster than XNNPACK (BENCHMARKS.md); without relaxed SIMD XNNPACK's
 * path is kept exactly as it was. Needs rows % 4 === 0 and cols % 8 === 0.
 *
 * `a` is `[...ones, rows, inner]`, `b` `[...ones, inner, cols]`; the result `[...ones, rows, cols]`.
 */
export function matMulBySimd(
  backend: WasmBackendLike,
  inputs: Record<string, TensorInfo | undefined>,
  attrs: NamedAttrMap,
): TensorInfo | null {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  if (attrs.transposeA || attrs.transposeB) return null;
  const bias = inputs.bias;
  if (inputs.preluActivationWeights != null) return null;
  const activation = attrs.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  const [rows, inner] = a.shape.slice(-2);
  const [innerB, cols] = b.shape.slice(-2);
  const batch = [...a.shape.slice(0, -2), ...b.shape.slice(0, -2)];
  if (batch.some((d) => d !== 1) || inner !== innerB || inner < 1) return null;
  if (!simdMatMulTakes(rows, inner, cols)) return null;
  if (
    bias != null &&
    (bias.dtype !== 'float32' || util.sizeFromShape(bias.shape) !== cols || bias.shape.at(-1) !== cols)
  ) {
    return null; // a bias per row, or broadcast otherwise: XNNPACK's path
  }
  if (simdKernelsFlavor() !== 'fma') return null;
  const kernels = simdKernels(backend);
  const epilogue = biasRelu(backend);
  if (kernels == null || epilogue == null) return null;
  const scope = new KernelScope(backend);
  try {
    // [...ones, rows, cols]
    const outShape = [
      ...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
      rows,
      cols,
    ];
    const out = scope.allocate(outShape);
    // [rows / 4 blocks] lists of the steps of inner to walk (float-zero-skip.ts)
    const lists = floatZeroSkipTried(rows, inner, cols)
      ? scope.allocate([skipListFloats(rows, inner, cols)])
      : null;
    // Views after the last allocation: an allocation may move the heap.
    const at = (t: TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
    listedMatMul(
      kernels,
      { a: at(a), b: at(b), out: at(out), m: rows, k: inner, n: cols },
      lists == null ? null : at(lists),
      pairStepKernels(backend),
      rowStepKernels(backend),
      rowWideKernels(backend),
    );
    if (bias != null || activation === 'relu') {
      // A dense layer's bias and relu, in one pass over the product (still in cache for its sizes).
      epilogue.biasRelu(
        backend.typedArrayFromHeap(out).byteOffset,
        bias != null ? backend.typedArrayFromHeap(bias).byteOffset : 0,
        rows,
        cols,
        (bias != null ? 1 : 0) | (activation === 'relu' ? 2 : 0),
      );
    }
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
}

let transposeFused = true;

/**
 * Whether `dy . W^T` kept as written (batch-mat-mul.ts) reads `W` as it lies, transposed into the
 * pairs' panels as they are copied (`true`, the default), or is transposed by a separate pass first
 * (`false`: as before, for tests and benchmarks that compare the two). The same bits either way.
 */
export function setPairsTransposeFused(on: boolean): void {
  transposeFused = on;
}

/** Whether {@link matMulTransposedBByPairs} takes the products it fits ({@link setPairsTransposeFused}). */
export function pairsTransposeFused(): boolean {
  return transposeFused;
}

/**
 * `a . b^T` for a plain `a [rows, inner]` (leading ones allowed) and `b [cols, inner]` read as it lies
 * (no transpose pass: pair-steps.wat transposes each panel of 16 rows of `b` as it copies it), by the
 * one-thread pairs' product; or null where it does not take it (FMA build, float32, no bias or
 * activation, {@link pairListsWanted}; else the caller transposes `b` and runs the plain product).
 * For batch-mat-mul.ts's `dy . W^T` kept as written: call it only where the float-zero-skip's rule
 * for the shape said yes this call (`pairListsLikely`), which it does not count again. Returns
 * `[rows, cols]`.
 */
export function matMulTransposedBByPairs(
  backend: WasmBackendLike,
  inputs: Record<string, TensorInfo | undefined>,
): TensorInfo | null {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  if (!transposeFused || inputs.bias != null || inputs.preluActivationWeights != null) return null;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const [rows, inner] = a.shape.slice(-2);
  const [cols, innerB] = b.shape.slice(-2);
  if ([...a.shape.slice(0, -2), ...b.shape.slice(0, -2)].some((d) => d !== 1) || inner !== innerB)
    return null;
  if (
    simdKernelsFlavor() !== 'fma' ||
    !simdMatMulTakes(rows, inner, cols) ||
    !pairListsWanted(rows, inner, cols)
  ) {
    return null;
  }
  const pairs = pairStepKernels(backend);
  if (pairs == null) return null;
  const scope = new KernelScope(backend);
  try {
    const out = scope.allocate([rows, cols]); // [rows, cols]
    const lists = scope.allocate([pairListFloats(rows, inner, cols)]);
    // Views after the last allocation: an allocation may move the heap.
    const at = (t: TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
    pairsMatMulTransposedB(
      pairs,
      { a: at(a), bT: at(b), out: at(out), m: rows, k: inner, n: cols },
      at(lists),
      rowStepKernels(backend),
      rowWideKernels(backend),
    );
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
}
