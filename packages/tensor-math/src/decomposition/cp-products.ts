/**
 * The tensor-sized products of a CP-ALS sweep (see `cp.ts`), and the host-side contractions that
 * finish the MTTKRPs from them. The factors live on the host in float64 (`[n_k, R]`, row-major); the
 * backend sees them transposed, as float32 matrices `[rows, n_k]` (one row per component, then
 * zero rows up to {@link productRows}; kept between sweeps by `FactorSides`, cp-sides.ts), in
 * {@link khatriRaoContraction}s, whose results are transposed too: `[rows, ·]`.
 */
import { tf } from '@tensorfold/core';
import { sumOfSquares } from '../linalg/sum-of-squares.js';
import { releaseKernelOutput, runKernelDirectly } from '../products/contraction-kernels.js';
import { hostKhatriRao64 } from '../products/host-khatri-rao.js';
import {
  KHATRI_RAO_CONTRACTION_KERNEL,
  khatriRaoContraction,
  khatriRaoContractionKernelActive,
} from '../products/khatri-rao-contraction.js';
import {
  ROW_CONTRACTION_KERNEL,
  rowContraction,
  rowContractionKernelActive,
} from '../products/row-contraction.js';
import { type FactorSides, readTransposed } from './cp-sides.js';
import { heapView } from './heap-view.js';

/**
 * The row count of the transposed factor matrices handed to the backend for a rank `rank`: where
 * the Khatri-Rao contraction kernel runs (WASM), the rank rounded up to an even number (the kernel
 * takes rows in pairs; a zero row adds exact zeros to nothing but itself); elsewhere the rank.
 */
export function productRows(rank: number): number {
  return khatriRaoContractionKernelActive() ? rank + (rank % 2) : rank;
}

/**
 * The row length to give the last mode's unfolding `[n_N, size]` (`size = ∏_{k<N} n_k`) for
 * {@link lastModePartial}: `size`, plus 16 zero columns where the kernel runs and a row is a
 * multiple of 256 bytes. The kernel walks down the unfolding's rows 64 bytes at a time; at a row
 * length of a power of two those 64-byte pieces all fall in the same few cache sets and evict each
 * other (at 64^3 rank 10 on WASM the product took twice as long, 356 µs against 177 µs of CPU time
 * with the padding, same process).
 */
export function partialStride(size: number): number {
  return khatriRaoContractionKernelActive() && size % 64 === 0 ? size + 16 : size;
}

/**
 * Copies a float32 tensor's values into `target` (of the tensor's size). On WASM straight from the heap
 * (`typedArrayFromHeap`, a view, no copy): there `data()` slices a new buffer per call, and for the
 * 256 KB of the partial product at 64^3 reading into one reused buffer made a sweep about 10% faster
 * (same-process A/B, median of 15 fits). Elsewhere `await data()`. (Where the row contraction kernel
 * runs, `cp` reads no partial product back.)
 */
export async function readInto(tensor: tf.TensorInfo, target: Float32Array): Promise<Float32Array> {
  target.set(heapView(tensor) ?? (await (tensor as tf.Tensor).data()));
  return target;
}

/**
 * `Pᵀ = A_Nᵀ · X_(N)` `[rows, stride]` (zero rows from `rank` on; the columns after `∏_{k<N} n_k`
 * are zero too): the tensor times the last factor, transposed, from the last mode's unfolding viewed
 * as `[1, n_N, stride]` (`lastUnfolding`, see {@link partialStride}) and `sides` (the last factor's).
 */
export function lastModePartial(lastUnfolding: tf.Tensor3D, sides: FactorSides): tf.TensorInfo {
  const order = sides.order;
  return contract(lastUnfolding, sides.ones, sides.side(order - 1, order));
}

/**
 * The last mode's MTTKRP, transposed, `[rows, n_N]` (zero rows from `rank` on), from the tensor
 * viewed as `[∏_{k<N-1} n_k, n_{N-1}, n_N]` (`view`): `khatriRao(A_1, ..., A_{N-2})` on the left and
 * `A_{N-1}` on the right, both transposed (from `sides`); with one front mode the left is the ones.
 */
export function lastModeMttkrp(view: tf.Tensor3D, sides: FactorSides): tf.TensorInfo {
  const inner = sides.order - 2; // A_{N-1}
  return contract(view, sides.side(0, inner), sides.side(inner, inner + 1));
}

/**
 * {@link khatriRaoContraction}; where the kernel is registered, run directly (see
 * `runKernelDirectly`): free the result with `releaseKernelOutput`.
 */
function contract(x: tf.Tensor3D, left: tf.Tensor2D, right: tf.Tensor2D): tf.TensorInfo {
  return khatriRaoContractionKernelActive()
    ? runKernelDirectly(KHATRI_RAO_CONTRACTION_KERNEL, { x, left, right })
    : khatriRaoContraction(x, left, right);
}

/**
 * `khatriRao(A_1, ..., A_{N-1})` of the front factors, `[∏_{k<N} n_k, R]`, by broadcast
 * multiplications on the backend (one per factor after the first), for the true residual.
 */
export function frontKhatriRao(
  host: readonly Float64Array[],
  front: readonly number[],
  rank: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    let result = tf.tensor2d(Float32Array.from(host[0]), [front[0], rank]);
    for (let k = 1; k < front.length; k++) {
      const rows = result.shape[0];
      const factor = tf.tensor3d(Float32Array.from(host[k]), [1, front[k], rank]);
      result = tf.reshape(tf.mul(tf.reshape(result, [rows, 1, rank]), factor), [rows * front[k], rank]);
    }
    return result;
  });
}

/**
 * `‖X − X̂‖` in the tensor's own memory layout: `X` viewed as `[∏_{k<N} n_k, n_N]` minus
 * `K·(A_N·diag(w))ᵀ` with `K = khatriRao(A_1, ..., A_{N-1})` (`others`, `[∏, R]`, not widened: the
 * product's inner size is the rank). The transposed last factor is
 * made on the host, so the product is a plain one; then {@link sumOfSquares} of the difference.
 */
export async function residualNorm(
  tensor: tf.Tensor,
  others: tf.Tensor2D,
  lastFactor: Float64Array,
  rank: number,
  weights: Float64Array | null,
): Promise<number> {
  const size = lastFactor.length / rank;
  const transposed = new Float32Array(lastFactor.length); // (A_N·diag(w))ᵀ  [R, n_N]
  for (let i = 0; i < size; i++) {
    for (let r = 0; r < rank; r++)
      transposed[r * size + i] = lastFactor[i * rank + r] * (weights ? weights[r] : 1);
  }
  const approximation = tf.tidy(() => tf.matMul(others, tf.tensor2d(transposed, [rank, size], 'float32'))); // [∏, n_N]
  try {
    return Math.sqrt(Math.max(await sumOfSquares(tensor, approximation), 0));
  } finally {
    approximation.dispose();
  }
}

/**
 * The MTTKRP of front mode `mode` (< N-1) from `Pᵀ = A_Nᵀ · X_(N)` (read back, `[rows, stride]`),
 * the first `∏_{k<N} n_k` values of each row viewed as `[before, n_mode, after]`:
 * `M[i, r] = Σ_b L[b, r] · Σ_a Pᵀ[r, b, i, a] · K[a, r]`, with `L`, `K` the Khatri-Rao products of
 * the front factors before and after `mode`. In float64 on the host, `∏_{k<N} n_k · R` multiply-adds
 * over contiguous runs of `Pᵀ`, with no float32 round-off beyond the product's own (which lets `cp`
 * compute its fit from it).
 *
 * @returns `M` `[n_mode, R]`, row-major, float64.
 */
export function frontMttkrp(
  partial: Float32Array,
  host: readonly Float64Array[],
  front: readonly number[],
  mode: number,
  rank: number,
  stride: number,
): Float64Array {
  const n = front[mode];
  const size = front.reduce((p, k) => p * k, 1); // the used part of a row of Pᵀ
  const before = front.slice(0, mode).reduce((p, k) => p * k, 1);
  const after = size / (before * n);
  // the Khatri-Rao products of the factors before and after `mode`, transposed: [R, before], [R, after]
  const transposedKhatriRao = (from: number, to: number, count: number): Float64Array | null =>
    from === to
      ? null
      : transposed64(hostKhatriRao64(host.slice(from, to), front.slice(from, to), rank), count, rank);
  const left = transposedKhatriRao(0, mode, before);
  const right = transposedKhatriRao(mode + 1, front.length, after);
  const out = new Float64Array(n * rank);
  const column = new Float64Array(n); // M[·, r]
  for (let r = 0; r < rank; r++) {
    column.fill(0);
    const base = r * stride;
    for (let b = 0; b < before; b++) {
      const scale = left === null ? 1 : left[r * before + b];
      let offset = base + b * n * after;
      if (right === null) {
        // after = 1: Pᵀ[r, b, ·] is M's column
        for (let i = 0; i < n; i++) column[i] += scale * partial[offset + i];
        continue;
      }
      const weights = r * after;
      for (let i = 0; i < n; i++, offset += after) {
        let even = 0;
        let odd = 0;
        let a = 0;
        for (; a + 1 < after; a += 2) {
          even += partial[offset + a] * right[weights + a];
          odd += partial[offset + a + 1] * right[weights + a + 1];
        }
        if (a < after) even += partial[offset + a] * right[weights + a];
        column[i] += scale * (even + odd);
      }
    }
    for (let i = 0; i < n; i++) out[i * rank + r] = column[i];
  }
  return out;
}

/**
 * {@link frontMttkrp} on the backend, from `Pᵀ` where it lies (`partial`, `[rows, stride]`), by the
 * row contraction kernel: the same float64 sums, with the Khatri-Rao products of the other front
 * factors rounded to float32 (as the last factor is in `Pᵀ`; from `sides`) and the result rounded once.
 *
 * @param target where to write `M` (default: a new array)
 * @returns `M` `[n_mode, R]`, row-major, float64.
 */
export async function frontMttkrpOnBackend(
  partial: tf.TensorInfo,
  sides: FactorSides,
  front: readonly number[],
  mode: number,
  rank: number,
  target?: Float64Array,
): Promise<Float64Array> {
  const [left, right] = [sides.side(0, mode), sides.side(mode + 1, front.length)];
  const mttkrp = rowContractionKernelActive()
    ? runKernelDirectly(ROW_CONTRACTION_KERNEL, { p: partial, left, right }, { size: front[mode] })
    : rowContraction(partial as tf.Tensor2D, left, right, front[mode]); // [rows, n]
  try {
    return await readTransposed(mttkrp, rank, target);
  } finally {
    releaseKernelOutput(mttkrp);
  }
}

/** A row-major `[count, R]` float64 matrix transposed to `[R, count]`. */
function transposed64(values: Float64Array, count: number, rank: number): Float64Array {
  const out = new Float64Array(rank * count);
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < rank; r++) out[r * count + i] = values[i * rank + r];
  }
  return out;
}
