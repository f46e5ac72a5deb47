import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { DataError, ShapeError } from '@tensorfold/core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { mttkrpKernels } from '../simd/mttkrp-kernels.js';

/**
 * The name of the Khatri-Rao contraction kernel. `@tensorfold/tensor-math` (which does not depend on
 * this package) runs it under this name where it is registered, and computes the same with tfjs ops
 * elsewhere; its tests check that the two agree.
 */
export const KHATRI_RAO_CONTRACTION = 'TensorfoldKhatriRaoContraction';

/**
 * The Khatri-Rao contraction of CP-ALS for the `wasm` backend: inputs `x` `[before, after, cols]`,
 * `left` `[rows, before]`, `right` `[rows, after]` (float32); output `[rows, cols]`,
 * `out[r, c] = Σ_b left[r, b] · Σ_a right[r, a] · x[b, a, c]`. That is the transposed MTTKRP of a
 * 3-way tensor's last mode, `(X_(3) · (leftᵀ ⊙ rightᵀ))ᵀ`, computed without forming the Khatri-Rao
 * product: the sum over `a` stays in registers and is scaled by `left[r, b]` once per `b`.
 *
 * Pairs of rows and blocks of 16 columns run in `mttkrp.wat` (WASM SIMD); an odd last row, the
 * columns after the last full block, and everything where the SIMD module cannot run, in
 * JavaScript (float32 inputs, float64 sums).
 */
function khatriRaoContraction(args: {
  inputs: { x: TensorInfo; left: TensorInfo; right: TensorInfo };
  backend: WasmBackendLike;
}): TensorInfo {
  const { x, left, right } = args.inputs;
  const { backend } = args;
  if (x.shape.length !== 3 || left.shape.length !== 2 || right.shape.length !== 2) {
    throw new ShapeError(
      `${KHATRI_RAO_CONTRACTION} needs x [before, after, cols], left [rows, before] and right [rows, after]; got x [${x.shape}], left [${left.shape}], right [${right.shape}].`,
    );
  }
  const [before, after, cols] = x.shape;
  const rows = left.shape[0];
  if (left.shape[1] !== before || right.shape[0] !== rows || right.shape[1] !== after) {
    throw new ShapeError(
      `${KHATRI_RAO_CONTRACTION}: left must be [rows, ${before}] and right [rows, ${after}] for x [${x.shape}]; got left [${left.shape}], right [${right.shape}].`,
    );
  }
  if ([x, left, right].some((t) => t.dtype !== 'float32')) {
    throw new DataError(`${KHATRI_RAO_CONTRACTION} needs float32 inputs; cast them first.`);
  }
  const scope = new KernelScope(backend);
  try {
    const out = scope.allocate([rows, cols]); // [rows, cols]
    // Views after the last allocation: an allocation may move the heap.
    const views = {
      x: backend.typedArrayFromHeap(x) as Float32Array,
      left: backend.typedArrayFromHeap(left) as Float32Array,
      right: backend.typedArrayFromHeap(right) as Float32Array,
      out: backend.typedArrayFromHeap(out) as Float32Array,
    };
    const kernels = before > 0 && after > 0 ? mttkrpKernels(backend) : null;
    const pairRows = rows - (rows % 2);
    const blockCols = cols - (cols % 16);
    const shape = [before, after, cols];
    if (kernels != null && pairRows > 0 && blockCols > 0) {
      kernels.khatriRaoContraction(
        views.x.byteOffset,
        views.left.byteOffset,
        views.right.byteOffset,
        views.out.byteOffset,
        pairRows,
        before,
        after,
        cols,
        blockCols,
      );
      // what the SIMD kernel leaves: the columns after its blocks, then an odd last row
      if (blockCols < cols) contractInJs(views, shape, 0, pairRows, blockCols, cols);
      if (pairRows < rows) contractInJs(views, shape, pairRows, rows, 0, cols);
    } else {
      contractInJs(views, shape, 0, rows, 0, cols);
    }
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
}

/** The contraction for rows `[r0, r1)` and columns `[c0, c1)`, in float64 sums, written to `out`. */
function contractInJs(
  views: { x: Float32Array; left: Float32Array; right: Float32Array; out: Float32Array },
  [before, after, cols]: number[],
  r0: number,
  r1: number,
  c0: number,
  c1: number,
): void {
  const { x, left, right, out } = views;
  const width = c1 - c0;
  const inner = new Float64Array(width); // Σ_a right[r, a] · x[b, a, c0..c1)
  const sums = new Float64Array(width); // Σ_b left[r, b] · inner
  for (let r = r0; r < r1; r++) {
    sums.fill(0);
    for (let b = 0; b < before; b++) {
      inner.fill(0);
      for (let a = 0; a < after; a++) {
        const weight = right[r * after + a];
        const offset = (b * after + a) * cols + c0;
        for (let c = 0; c < width; c++) inner[c] += weight * x[offset + c];
      }
      const scale = left[r * before + b];
      for (let c = 0; c < width; c++) sums[c] += scale * inner[c];
    }
    for (let c = 0; c < width; c++) out[r * cols + c0 + c] = sums[c];
  }
}

/** Kernel config of {@link khatriRaoContraction} for the `wasm` backend. */
export const khatriRaoContractionConfig: KernelConfig = {
  kernelName: KHATRI_RAO_CONTRACTION,
  backendName: 'wasm',
  kernelFunc: khatriRaoContraction as unknown as KernelFunc,
};
