/**
 * What the fused recurrences on WASM (fused-recurrence-driver.ts and its cells) share: their sizes
 * and padding, the kernels they call (SIMD, or scalar JavaScript where SIMD cannot run), views of
 * the WASM heap, and the stacking of the weights `[U | W | b]` and of each step's `[h; x; 1]`.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import type { WasmBackendLike } from '../kernel-scope.js';
import { type GruResetBeforeKernels, gruResetBeforeKernels } from '../simd/gru-reset-before-kernels.js';
import { type RecurrentKernels, recurrentKernels } from '../simd/recurrent-kernels.js';
import { type SimdKernels, simdKernels } from '../simd/simd-kernels.js';
import {
  scalarGruResetBeforeKernels,
  scalarMatMul,
  scalarRecurrentKernels,
} from './fused-recurrence-scalar.js';

/** Steps whose weight gradients the backward pass sums in one call (their inputs stay in the cache). */
export const CHUNK = 8;

/** `n` rounded up to a multiple of `to`. */
export const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** Sizes of one fused recurrence. */
export interface Dims {
  steps: number;
  units: number;
  features: number;
  batch: number;
  /** Batch padded to a multiple of 8. */
  bp: number;
  /** Rows of a step's stacked `[h; x; 1]`: U + F + 1. */
  e: number;
  /** Rows of a step's block in the stack: E, and the rows a cell adds after them. */
  rows: number;
  /** Rows of the backward's `[U; W]`: U + F rounded up to a multiple of 4. */
  r: number;
  /** Rows of the weights' gradient `[dU; dW; db; added rows]`: the block's rows rounded up to a multiple of 4. */
  g: number;
  /** Floats of one state block, `U × Bp`. */
  block: number;
}

/**
 * The sizes of a recurrence of `steps` steps, `units` units, `features` input features and `batch`
 * samples, whose cell adds `extraRows` rows to each step's block of the stack.
 */
export function dims(steps: number, units: number, features: number, batch: number, extraRows = 0): Dims {
  const bp = roundUp(batch, 8);
  const e = units + features + 1;
  return {
    steps,
    units,
    features,
    batch,
    bp,
    e,
    rows: e + extraRows,
    r: roundUp(units + features, 4),
    g: roundUp(e + extraRows, 4),
    block: units * bp,
  };
}

/** The kernels a fused recurrence calls. */
export interface FusedKernels {
  /** The step kernels of the LSTM, simple RNN and reset-after GRU, and the weights' gradient. */
  step: RecurrentKernels;
  /** The step kernels of the reset-before GRU. */
  gruResetBefore: GruResetBeforeKernels;
  matMul: SimdKernels['matMul'];
}

/** The kernels to run: the SIMD ones, or their scalar JavaScript equivalents where SIMD cannot run. */
export function kernelsOf(backend: WasmBackendLike): FusedKernels {
  const step = recurrentKernels(backend);
  const gruResetBefore = gruResetBeforeKernels(backend);
  const simd = simdKernels(backend);
  if (step != null && gruResetBefore != null && simd != null)
    return { step, gruResetBefore, matMul: simd.matMul };
  const heap = () => heapOf(backend);
  return {
    step: scalarRecurrentKernels(heap),
    gruResetBefore: scalarGruResetBeforeKernels(heap),
    matMul: scalarMatMul(heap),
  };
}

/**
 * Copies `rows` rows of `cols` floats, from rows `srcStride` apart at `src` to rows `dstStride`
 * apart at `dst` (float offsets into `heap`): one move when both are contiguous.
 */
export function copyRows(
  heap: Float32Array,
  src: number,
  srcStride: number,
  dst: number,
  dstStride: number,
  rows: number,
  cols: number,
): void {
  if (srcStride === cols && dstStride === cols) {
    heap.copyWithin(dst, src, src + rows * cols);
    return;
  }
  for (let r = 0; r < rows; r++)
    heap.copyWithin(dst + r * dstStride, src + r * srcStride, src + r * srcStride + cols);
}

/** A float view of the whole WASM heap (take it after the last allocation: an allocation may move the heap). */
export function heapOf(backend: WasmBackendLike): Float32Array {
  const memory = backend.wasm?.asm?.memory;
  if (memory == null) {
    throw new BackendError(
      'The fused recurrent kernels need the memory of tfjs-backend-wasm, which this build does not export. ' +
        'Use the @tensorflow/tfjs-backend-wasm version that @tensorfold/backend declares (see its package.json).',
    );
  }
  return new Float32Array(memory.buffer);
}

/** Float offset of a tensor on the heap. */
export function at(backend: WasmBackendLike, info: TensorInfo): number {
  return backend.typedArrayFromHeap(info).byteOffset >> 2;
}

/**
 * Writes the weights of a recurrence with `width` gate rows (`width = gates × U`), given as float
 * offsets of `recurrentKernel [U, width]`, `kernel [F, width]` and `bias [width]` (-1: none): to
 * `backward`, `[U; W]` as `[R, width]` (padding rows zero), and to `forward`, `[Uᵀ | Wᵀ | b]` as
 * `[width, E]`.
 */
export function stackWeights(
  heap: Float32Array,
  d: Dims,
  width: number,
  [recurrentKernel, kernel, bias]: [number, number, number],
  backward: number,
  forward: number,
): void {
  heap.copyWithin(backward, recurrentKernel, recurrentKernel + d.units * width);
  heap.copyWithin(backward + d.units * width, kernel, kernel + d.features * width);
  heap.fill(0, backward + (d.units + d.features) * width, backward + d.r * width);
  for (let j = 0; j < width; j++) {
    const row = forward + j * d.e;
    for (let u = 0; u < d.units + d.features; u++) heap[row + u] = heap[backward + u * width + j] as number;
    heap[row + d.units + d.features] = bias < 0 ? 0 : (heap[bias + j] as number);
  }
}

/**
 * Fills the `[T + 1, rows, Bp]` stack `hx` of every step's `[h; x; 1]` (and the cell's added rows):
 * h0 `[U, B]` in the first block's h rows, each step's x (from `x [T, F, B]`) and ones, zero
 * everywhere else (the batch's padding, and the rows that the forward pass writes).
 */
export function stackInputs(heap: Float32Array, d: Dims, x: number, h0: number, hx: number): void {
  const stride = d.rows * d.bp;
  heap.fill(0, hx, hx + (d.steps + 1) * stride);
  copyRows(heap, h0, d.batch, hx, d.bp, d.units, d.batch);
  for (let t = 0; t < d.steps; t++) {
    const block = hx + t * stride + d.units * d.bp;
    copyRows(heap, x + t * d.features * d.batch, d.batch, block, d.bp, d.features, d.batch);
    heap.fill(1, block + d.features * d.bp, block + d.features * d.bp + d.batch);
  }
}

/** Splits the weights' gradient `[dU; dW; db]` (`[G, width]` at `dw`) into the three outputs. */
export function splitWeightGradients(
  heap: Float32Array,
  d: Dims,
  width: number,
  dw: number,
  [dRecurrentKernel, dKernel, dBias]: [number, number, number],
): void {
  const [u, f] = [d.units, d.features];
  heap.copyWithin(dRecurrentKernel, dw, dw + u * width);
  heap.copyWithin(dKernel, dw + u * width, dw + (u + f) * width);
  heap.copyWithin(dBias, dw + (u + f) * width, dw + (u + f + 1) * width);
}
