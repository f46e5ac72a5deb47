import { type backend_util, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';
import { threadedMinimum, threadedSizeRulesWaived } from '../threads/threaded-minimum.js';
import { threadPool } from '../threads/wasm-threads.js';
import { alignedFloats } from './aligned.js';
import { filterGradientSizes } from './convolution-geometry.js';

/**
 * Below this many multiply-adds a filter gradient stays on the calling thread (waking a worker and
 * copying `x` and `dy` cost more than a second thread saves).
 */
export const THREADED_FILTER_GRADIENT_MIN_MULTIPLY_ADDS = 2 ** 20;

/** Chunks per thread, so that a thread the system does not schedule leaves little to the others. */
const CHUNKS_PER_THREAD = 4;

/**
 * The filter gradient of a convolution on every thread of the pool (threads/wasm-threads.ts), each
 * claiming a range of filter taps (kh, kw), or null to leave it to {@link filterGradientBySimd} on
 * the calling thread: no pool, too small, fewer than 2 taps, or too large for the pool's memory.
 * `x` and `dy` are copied into the pool's shared memory and the gradient copied back. Each gradient
 * element is summed in the same order as by the one-thread kernel: the same bits (same build).
 * Needs `outChannels % 4 === 0`.
 *
 * `x` is `[batch, height, width, inChannels]`, `dy` `[batch, outHeight, outWidth, outChannels]`;
 * the result is `[filterHeight, filterWidth, inChannels, outChannels]`.
 */
export function filterGradientByThreads(
  scope: KernelScope,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | null {
  const running = threadPool('filterGradient');
  if (running == null) return null;
  const taps = info.filterHeight * info.filterWidth;
  const outSize = taps * info.inChannels * info.outChannels;
  const work = outSize * info.batchSize * info.outHeight * info.outWidth;
  if (work < threadedMinimum(THREADED_FILTER_GRADIENT_MIN_MULTIPLY_ADDS)) return null;
  if (taps < 2 && !threadedSizeRulesWaived()) return null;
  const { pool, build } = running;
  const xSize = util.sizeFromShape(x.shape);
  const dySize = util.sizeFromShape(dy.shape);
  // The pool's memory, in floats (each part 64-byte aligned): arguments, x, dy, the gradient.
  const PARAMS = 0;
  const X = PARAMS + 32;
  const DY = X + alignedFloats(xSize);
  const OUT = DY + alignedFloats(dySize);
  const bytes = 4 * (OUT + outSize);
  if (bytes > 2 ** 31 || !pool.reserve(bytes)) return null;

  const chunks = Math.min(taps, pool.threads * CHUNKS_PER_THREAD);
  const per = Math.ceil(taps / chunks);
  const out = scope.allocate([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  // Views after the last allocation: an allocation may move tfjs's heap (and reserve the pool's).
  const { backend } = scope;
  const heap = new Float32Array(pool.memory.buffer);
  heap.set(backend.typedArrayFromHeap(x) as Float32Array, X);
  heap.set(backend.typedArrayFromHeap(dy) as Float32Array, DY);
  heap.fill(0, OUT, OUT + outSize);
  new Int32Array(pool.memory.buffer, PARAMS * 4, 19).set([
    X * 4,
    DY * 4,
    OUT * 4,
    ...filterGradientSizes(info),
    per,
  ]);
  pool.run(build, 'filterGradientChunk', Math.ceil(taps / per), [PARAMS * 4]);
  (backend.typedArrayFromHeap(out) as Float32Array).set(heap.subarray(OUT, OUT + outSize));
  return out;
}

/**
 * Partial gradients of the register-blocked kernel: at most this many, of equal runs of images.
 * Fixed, not per thread: the chunks (and so the sums) are the same for any number of threads.
 */
const BLOCKED_CHUNKS = 8;

/**
 * The filter gradient of a convolution whose input channels are a multiple of 4 and output channels
 * of 8 ({@link usesBlockedFilterGradient}) on every thread of the pool, split by images: each chunk
 * runs the register-blocked kernel over its run of images into a partial gradient of its own, and the
 * partials are added here in chunk order. Null to leave it to the one-thread kernel: no pool, fewer
 * than 2 images, too small or too large. The sums are grouped by chunk, so the bits differ from the
 * one-thread kernel's (within rounding), but not between thread counts of 2 and more.
 *
 * `x` is `[batch, height, width, inChannels]`, `dy` `[batch, outHeight, outWidth, outChannels]`;
 * the result is `[filterHeight, filterWidth, inChannels, outChannels]`.
 */
export function blockedFilterGradientByThreads(
  scope: KernelScope,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | null {
  const running = threadPool('blockedFilterGradient');
  if (running == null || (info.batchSize < 2 && !threadedSizeRulesWaived())) return null;
  const outSize = info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
  const work = outSize * info.batchSize * info.outHeight * info.outWidth;
  if (work < threadedMinimum(THREADED_FILTER_GRADIENT_MIN_MULTIPLY_ADDS)) return null;
  const { pool, build } = running;
  const per = Math.ceil(info.batchSize / BLOCKED_CHUNKS);
  const chunks = Math.ceil(info.batchSize / per);
  const xSize = util.sizeFromShape(x.shape);
  const dySize = util.sizeFromShape(dy.shape);
  // The pool's memory, in floats (each part 64-byte aligned): arguments, x, dy, the partials.
  const PARAMS = 0;
  const X = PARAMS + 32;
  const DY = X + alignedFloats(xSize);
  const OUT = DY + alignedFloats(dySize);
  const bytes = 4 * (OUT + chunks * outSize);
  if (bytes > 2 ** 31 || !pool.reserve(bytes)) return null;

  const out = scope.allocate([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  // Views after the last allocation: an allocation may move tfjs's heap (and reserve the pool's).
  const { backend } = scope;
  const heap = new Float32Array(pool.memory.buffer);
  heap.set(backend.typedArrayFromHeap(x) as Float32Array, X);
  heap.set(backend.typedArrayFromHeap(dy) as Float32Array, DY);
  heap.fill(0, OUT, OUT + chunks * outSize);
  new Int32Array(pool.memory.buffer, PARAMS * 4, 19).set([
    X * 4,
    DY * 4,
    OUT * 4,
    ...filterGradientSizes(info),
    per,
  ]);
  pool.run(build, 'filterGradientBlockedChunk', chunks, [PARAMS * 4]);
  const grad = backend.typedArrayFromHeap(out) as Float32Array;
  grad.set(heap.subarray(OUT, OUT + outSize));
  for (let c = 1; c < chunks; c++) {
    const from = OUT + c * outSize;
    for (let i = 0; i < outSize; i++) grad[i] += heap[from + i];
  }
  return out;
}
