import { type KernelConfig, type TensorInfo, Transpose, util } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';
import { dataMovementKernels } from '../simd/data-movement.js';

/** Whether `perm` keeps every axis but the last two, which it swaps (`[0, 2, 1]`, `[1, 0]`). */
function swapsLastTwo(perm: readonly number[]): boolean {
  const rank = perm.length;
  return rank >= 2 && perm.every((axis, i) => axis === (i < rank - 2 ? i : 2 * rank - 3 - i));
}

/**
 * Batches of matrices with fewer elements than this go to the stock kernel: each matrix costs the
 * SIMD kernel a setup and mostly one-element-at-a-time edges, and stock's single loop was faster
 * (same-run medians, load 3: `[100000, 2, 2]` 0.79 ms stock against 1.13 ms, `[10000, 3, 8]` 0.13
 * against 0.26, `[20000, 4, 4]` 0.22 against 0.29; `[4000, 8, 8]` even, 0.13 against 0.11; `[1000,
 * 16, 16]` 0.10 against 0.07). Matrices of fewer than 4 rows (no 4x4 block: every element moved one
 * at a time) go to stock too: `[2000, 2, 64]` 0.16 ms stock against 0.36, `[2000, 3, 30]` 0.13
 * against 0.26, `[1, 2, 5000]` even (load 8.6).
 */
const SMALL_MATRIX = 64;

/**
 * A transpose that swaps the last two axes of a float32 or int32 tensor (`[..., rows, cols]` to
 * `[..., cols, rows]`) by 4x4 SIMD blocks (simd/data-movement.wat), all matrices in one call; null for
 * any other transpose, or where the kernel cannot run, so that the stock kernel does it. Stock
 * tfjs-backend-wasm 4.22 moves one element at a time (about 2-5 ns each on the benchmark machine):
 * the MLP 784-512-256-10's training step spent about 0.6 ms in the five transposes around its
 * products. The same bits either way.
 */
export function swapLastAxes(
  backend: WasmBackendLike,
  x: TensorInfo,
  perm: readonly number[],
): TensorInfo | null {
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || x.shape.length !== perm.length || !swapsLastTwo(perm))
    return null;
  const [rows, cols] = x.shape.slice(-2);
  const size = util.sizeFromShape(x.shape);
  // Fewer than 4 rows, or many small matrices: stock's loop is faster (see SMALL_MATRIX).
  if (rows < 4 || (rows * cols < SMALL_MATRIX && size > rows * cols)) return null;
  const kernel = dataMovementKernels(backend, 'swapLastAxes');
  if (kernel == null) return null;
  // [..., cols, rows]
  const out = backend.makeOutput(
    perm.map((axis) => x.shape[axis]),
    x.dtype,
  );
  if (size === 0) return out;
  // Offsets after the allocation: an allocation may move the heap.
  const from = backend.typedArrayFromHeap(x).byteOffset;
  const to = backend.typedArrayFromHeap(out).byteOffset;
  // Every matrix in one call: a call per matrix made [100000, 2, 2] 2x slower than stock.
  kernel.swapLastAxes(from, to, rows, cols, size / (rows * cols));
  return out;
}

/** Wraps the stock `Transpose` config with {@link swapLastAxes}. */
export function swapLastAxesConfig(stock: KernelConfig): KernelConfig {
  if (stock.kernelName !== Transpose)
    throw new Error(`swapLastAxesConfig wraps Transpose, not ${stock.kernelName}.`);
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      const { perm } = args.attrs as unknown as { perm: number[] };
      return swapLastAxes(args.backend as WasmBackendLike, x, perm) ?? stock.kernelFunc(args);
    },
  };
}
