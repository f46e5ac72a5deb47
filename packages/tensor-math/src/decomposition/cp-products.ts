/**
 * The tensor-sized products of a CP-ALS sweep (see `cp.ts`), and the host-side contractions that
 * finish the MTTKRPs from them. The factors live on the host in float64 (`[n_k, R]`, row-major); the
 * backend sees them as float32 matrices whose column count is {@link productWidth}.
 */
import { tf } from '@tensorfold/core';
import { sumOfSquares } from '../linalg/sum-of-squares.js';
import { hostKhatriRao64 } from '../products/host-khatri-rao.js';

/**
 * The column count of the factor matrices handed to the backend for a rank `rank`: on WASM the rank
 * rounded up to a multiple of 8, with zero columns after the first `rank`. There a product with a
 * multiple of 8 columns runs on tensorfold's register-blocked SIMD kernel (8 columns per tile),
 * while XNNPACK's product with 10 columns took about twice as long at 64^3 rank 10 (BENCHMARKS.md);
 * the zero columns change no value of the first `rank` ones (they add exact zeros). Elsewhere the
 * rank itself (on the CPU backend padding would only add work).
 */
export function productWidth(rank: number): number {
  return tf.getBackend() === 'wasm' ? Math.ceil(rank / 8) * 8 : rank;
}

/** A row-major `[rows, rank]` matrix widened to `[rows, width]` with zero columns, as float32 for upload. */
export function widen(values: ArrayLike<number>, rows: number, rank: number, width: number): Float32Array {
  const out = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) {
    for (let r = 0; r < rank; r++) out[i * width + r] = values[i * rank + r];
  }
  return out;
}

/** The first `rank` columns of a row-major `[rows, width]` matrix, `[rows, rank]`. */
export function narrow(values: ArrayLike<number>, rows: number, rank: number, width: number): Float64Array {
  const out = new Float64Array(rows * rank);
  for (let i = 0; i < rows; i++) {
    for (let r = 0; r < rank; r++) out[i * rank + r] = values[i * width + r];
  }
  return out;
}

/**
 * Copies a float32 tensor's values into `target` (of the tensor's size). On WASM straight from the heap
 * (`typedArrayFromHeap`, a view, no copy): there `data()` slices a new buffer per call, and for the
 * 256 KB of `P` at 64^3 reading into one reused buffer made a sweep about 10% faster (same-process
 * A/B, median of 15 fits). Elsewhere `await data()`.
 */
export async function readInto(tensor: tf.Tensor, target: Float32Array): Promise<Float32Array> {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array };
  if (tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function') {
    target.set(backend.typedArrayFromHeap(tensor));
  } else {
    target.set(await tensor.data());
  }
  return target;
}

/**
 * `P = X_[∏_{k<N} n_k, n_N] · A_N` (a plain product in the tensor's own memory layout),
 * `[∏_{k<N} n_k, width]`; columns from `rank` on are zero.
 */
export function lastModeProduct(
  tensor: tf.Tensor,
  lastFactor: Float64Array,
  rank: number,
  width: number,
): tf.Tensor2D {
  const size = lastFactor.length / rank;
  return tf.tidy(() =>
    tf.matMul(
      tf.reshape(tensor, [tensor.size / size, size]),
      tf.tensor2d(widen(lastFactor, size, rank, width), [size, width], 'float32'),
    ),
  );
}

/**
 * `khatriRao(A_1, ..., A_{N-1})` of the front factors `[∏_{k<N} n_k, columns]`, by broadcast
 * multiplications on the backend (one per factor after the first; on WASM at 64^2 x 10 about 90 µs,
 * against about 280 µs to build it in JavaScript and upload it). `columns` is `rank` or `width`
 * (then with zero columns from `rank` on).
 */
export function frontKhatriRao(
  host: readonly Float64Array[],
  front: readonly number[],
  rank: number,
  columns: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    let result = tf.tensor2d(widen(host[0], front[0], rank, columns), [front[0], columns]);
    for (let k = 1; k < front.length; k++) {
      const rows = result.shape[0];
      const factor = tf.tensor3d(widen(host[k], front[k], rank, columns), [1, front[k], columns]);
      result = tf.reshape(tf.mul(tf.reshape(result, [rows, 1, columns]), factor), [rows * front[k], columns]);
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
 * The MTTKRP of front mode `mode` (< N-1) from `P = X ×_N A_Nᵀ` (read back, `[∏_{k<N} n_k, width]`),
 * viewed as `[before, n_mode, after, width]`:
 * `M[i, r] = Σ_b L[b, r] · Σ_a P[b, i, a, r] · K[a, r]`, with `L`, `K` the Khatri-Rao products of the
 * front factors before and after `mode`. In float64 on the host: `∏_{k<N} n_k · R` multiply-adds,
 * with no float32 round-off beyond the product's own (which lets `cp` compute its fit from it). On
 * WASM at 64^3 rank 10 each of the two modes takes 65-80 µs here, against about 110 µs for the
 * backend's broadcast multiply, sum and read.
 *
 * @returns `M` `[n_mode, R]`, row-major, float64.
 */
export function frontMttkrp(
  partial: Float32Array,
  host: readonly Float64Array[],
  front: readonly number[],
  mode: number,
  rank: number,
  width: number,
): Float64Array {
  const beforeModes = front.slice(0, mode).map((_, k) => k);
  const afterModes = front.slice(mode + 1).map((_, k) => mode + 1 + k);
  const before = beforeModes.reduce((p, k) => p * front[k], 1);
  const after = afterModes.reduce((p, k) => p * front[k], 1);
  const khatriRaoOf = (modes: number[]) =>
    hostKhatriRao64(
      modes.map((k) => host[k]),
      modes.map((k) => front[k]),
      rank,
    );
  const rows = before * front[mode];
  if (after === 1) return sumOverBefore(partial, width, khatriRaoOf(beforeModes), before, front[mode], rank);
  const inner = sumOverAfter(partial, width, khatriRaoOf(afterModes), rows, after, rank); // [before, n_mode, R]
  return before === 1
    ? inner
    : sumOverBefore(inner, rank, khatriRaoOf(beforeModes), before, front[mode], rank);
}

/**
 * `Q[j, r] = Σ_a P[j, a, r] · K[a, r]` for `P` `[rows, after, stride]` (row-major) and `K` `[after, R]`:
 * `[rows, R]`, float64. Each sum in two float64 accumulators (a dependency chain half as long).
 */
function sumOverAfter(
  partial: Float32Array,
  stride: number,
  right: Float64Array,
  rows: number,
  after: number,
  rank: number,
): Float64Array {
  const out = new Float64Array(rows * rank);
  const step = 2 * stride;
  const rightStep = 2 * rank;
  for (let j = 0; j < rows; j++) {
    const base = j * after * stride;
    for (let r = 0; r < rank; r++) {
      let even = 0;
      let odd = 0;
      let offset = base + r;
      let k = r;
      let a = 0;
      for (; a + 1 < after; a += 2, offset += step, k += rightStep) {
        even += partial[offset] * right[k];
        odd += partial[offset + stride] * right[k + rank];
      }
      if (a < after) even += partial[offset] * right[k];
      out[j * rank + r] = even + odd;
    }
  }
  return out;
}

/**
 * `M[i, r] = Σ_b Q[b, i, r] · L[b, r]` for `Q` `[before, n, stride]` (row-major) and `L` `[before, R]`:
 * `[n, R]`, float64. Four `b` at a time, so each output row is loaded and stored a quarter as often.
 */
function sumOverBefore(
  source: Float32Array | Float64Array,
  stride: number,
  left: Float64Array,
  before: number,
  n: number,
  rank: number,
): Float64Array {
  const out = new Float64Array(n * rank);
  const slab = n * stride; // one b
  let b = 0;
  for (; b + 3 < before; b += 4) {
    const l0 = b * rank;
    const l1 = l0 + rank;
    const l2 = l1 + rank;
    const l3 = l2 + rank;
    let offset = b * slab;
    for (let i = 0; i < n; i++, offset += stride) {
      const o = i * rank;
      for (let r = 0; r < rank; r++) {
        const at = offset + r;
        out[o + r] +=
          source[at] * left[l0 + r] +
          source[at + slab] * left[l1 + r] +
          source[at + 2 * slab] * left[l2 + r] +
          source[at + 3 * slab] * left[l3 + r];
      }
    }
  }
  for (; b < before; b++) {
    const l0 = b * rank;
    let offset = b * slab;
    for (let i = 0; i < n; i++, offset += stride) {
      const o = i * rank;
      for (let r = 0; r < rank; r++) out[o + r] += source[offset + r] * left[l0 + r];
    }
  }
  return out;
}
