import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { DataError, ShapeError } from '@tensorfold/core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { mttkrpKernels } from '../simd/mttkrp-kernels.js';

/**
 * The name of the row contraction kernel. `@tensorfold/tensor-math` (which does not depend on this
 * package) runs it under this name where it is registered, and finishes the same sums on the host
 * elsewhere; its tests check that the two agree.
 */
export const ROW_CONTRACTION = 'TensorfoldRowContraction';

/**
 * CP-ALS's row contraction for the `wasm` backend: inputs `p` `[rows, stride]`, `left`
 * `[rows, before]`, `right` `[rows, after]` (float32), attribute `size` (`n`); output `[rows, n]`,
 * `out[r, i] = Σ_b left[r, b] · Σ_a right[r, a] · p[r, b, i, a]` with each row of `p` read as
 * `[before, n, after]` (its first `before·n·after` values). With `p` the tensor times the last factor
 * (`Pᵀ = A_Nᵀ · X_(N)`) and `left`, `right` the transposed Khatri-Rao products of the front factors
 * before and after a mode, that is the mode's MTTKRP, transposed. Sums in float64, rounded once:
 * in `mttkrp.wat` (WASM SIMD), or in JavaScript where the module cannot run.
 */
function rowContraction(args: {
  inputs: { p: TensorInfo; left: TensorInfo; right: TensorInfo };
  backend: WasmBackendLike;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { p, left, right } = args.inputs;
  const { backend } = args;
  const n = args.attrs.size as number;
  if (p.shape.length !== 2 || left.shape.length !== 2 || right.shape.length !== 2) {
    throw new ShapeError(
      `${ROW_CONTRACTION} needs p [rows, stride], left [rows, before] and right [rows, after]; got p [${p.shape}], left [${left.shape}], right [${right.shape}].`,
    );
  }
  const [rows, stride] = p.shape;
  const before = left.shape[1];
  const after = right.shape[1];
  if (left.shape[0] !== rows || right.shape[0] !== rows || !(Number.isInteger(n) && n >= 0)) {
    throw new ShapeError(
      `${ROW_CONTRACTION}: left and right need ${rows} rows like p [${p.shape}] and size a count; got left [${left.shape}], right [${right.shape}], size ${n}.`,
    );
  }
  if (before * n * after > stride) {
    throw new ShapeError(
      `${ROW_CONTRACTION}: a row of p [${p.shape}] holds ${stride} values, fewer than before·size·after = ${before}·${n}·${after}.`,
    );
  }
  if ([p, left, right].some((t) => t.dtype !== 'float32')) {
    throw new DataError(`${ROW_CONTRACTION} needs float32 inputs; cast them first.`);
  }
  const scope = new KernelScope(backend);
  try {
    const out = scope.allocate([rows, n]); // [rows, n]
    // Views after the last allocation: an allocation may move the heap.
    const views = [p, left, right, out].map((t) => backend.typedArrayFromHeap(t) as Float32Array);
    const kernels = before > 0 && after > 0 ? mttkrpKernels(backend) : null;
    if (kernels != null) {
      const [pv, lv, rv, ov] = views;
      kernels.rowContraction(
        pv.byteOffset,
        lv.byteOffset,
        rv.byteOffset,
        ov.byteOffset,
        rows,
        stride,
        before,
        n,
        after,
      );
    } else {
      contractInJs(views, [rows, stride, before, n, after]);
    }
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
}

/** The row contraction in JavaScript, float64 sums. */
function contractInJs(
  [p, left, right, out]: Float32Array[],
  [rows, stride, before, n, after]: number[],
): void {
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let b = 0; b < before; b++) {
        let dot = 0;
        const offset = r * stride + (b * n + i) * after;
        for (let a = 0; a < after; a++) dot += right[r * after + a] * p[offset + a];
        sum += left[r * before + b] * dot;
      }
      out[r * n + i] = sum;
    }
  }
}

/** Kernel config of {@link rowContraction} for the `wasm` backend. */
export const rowContractionConfig: KernelConfig = {
  kernelName: ROW_CONTRACTION,
  backendName: 'wasm',
  kernelFunc: rowContraction as unknown as KernelFunc,
};
