import {
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';
import { threadedMinimum, threadedSizeRulesWaived } from '../threads/threaded-minimum.js';
import { threadPool } from '../threads/wasm-threads.js';
import { alignedFloats } from './aligned.js';
import { simpleConvolution } from './convolution-geometry.js';

/** Below this many multiply-adds a convolution stays on XNNPACK, one thread. */
export const THREADED_CONV_MIN_MULTIPLY_ADDS = 2 ** 20;

/**
 * Smallest patch (`filterHeight * filterWidth * inChannels`) and number of output channels taken:
 * below them the patches and the 8-column panels waste more than a second thread gains (LeNet-5's
 * first layer, 3x3x1 to 8, took 4 times the CPU time of XNNPACK's convolution on the pool).
 */
const MIN_PATCH = 64;
const MIN_CHANNELS = 8;

/** Chunks per thread, so that a thread the system does not schedule leaves little to the others. */
const CHUNKS_PER_THREAD = 4;

/**
 * A 2D convolution (NHWC, any strides, dilations and padding; `FusedConv2D`'s per-channel bias and
 * relu too) on every thread of the pool (threads/wasm-threads.ts): each thread claims blocks of
 * output positions, writes their image patches (`[positions, filterHeight * filterWidth *
 * inChannels]`) and multiplies them with the filter, packed once in panels of 8 output channels.
 * Null to leave it to XNNPACK: no pool, too small, channels first, another activation, a prelu.
 * `x`, the filter and the bias are copied into the pool's shared memory, the result copied back.
 * Each output is one tile's sum over (kh, kw, ci) in order: the same bits for any number of threads.
 * `Conv2DBackpropInput` (conv2d-backprop-input.ts) runs its convolution through this too.
 *
 * `x` is `[batch, height, width, inChannels]`, `filter` `[filterHeight, filterWidth, inChannels,
 * outChannels]`; the result `[batch, outHeight, outWidth, outChannels]`.
 */
export function convByThreads(
  backend: WasmBackendLike,
  inputs: Record<string, TensorInfo | undefined>,
  attrs: NamedAttrMap,
): TensorInfo | null {
  const running = threadPool('matMul');
  if (running == null) return null;
  const conv = simpleConvolution(inputs, attrs);
  if (conv == null) return null;
  const { x, filter, bias, activation, info } = conv;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const n = info.outChannels;
  const m = info.batchSize * info.outHeight * info.outWidth;
  if (m < 1 || m * k * n < threadedMinimum(THREADED_CONV_MIN_MULTIPLY_ADDS)) return null;
  if (!threadedSizeRulesWaived() && (k < MIN_PATCH || n < MIN_CHANNELS)) return null;

  const { pool, build, kernels } = running;
  const mPad = Math.ceil(m / 4) * 4;
  const nPad = Math.ceil(n / 8) * 8;
  // The pool's memory, in floats: arguments, x, the filter as given, its panels, the bias, the
  // patches, the output.
  const PARAMS = 0;
  const X = PARAMS + 32;
  const RAW = X + alignedFloats(util.sizeFromShape(x.shape));
  const PANELS = RAW + alignedFloats(k * n);
  const BIAS = PANELS + alignedFloats(k * nPad);
  const PATCHES = BIAS + alignedFloats(nPad);
  const OUT = PATCHES + alignedFloats(mPad * k);
  const bytes = 4 * (OUT + mPad * nPad);
  if (bytes > 2 ** 31 || !pool.reserve(bytes)) return null;

  const out = backend.makeOutput(info.outShape, 'float32');
  // Views after the last allocation: an allocation may move tfjs's heap (and reserve the pool's).
  const heap = new Float32Array(pool.memory.buffer);
  heap.set(backend.typedArrayFromHeap(x) as Float32Array, X);
  heap.set(backend.typedArrayFromHeap(filter) as Float32Array, RAW);
  kernels.packPanels(RAW * 4, PANELS * 4, k, n, 0);
  if (bias != null) {
    heap.set(backend.typedArrayFromHeap(bias) as Float32Array, BIAS);
    heap.fill(0, BIAS + n, BIAS + nPad);
  }
  const chunkRows = Math.ceil(mPad / 4 / (pool.threads * CHUNKS_PER_THREAD)) * 4;
  const chunks = Math.ceil(mPad / chunkRows);
  const flags = (bias != null ? 1 : 0) | (activation === 'relu' ? 2 : 0);
  new Int32Array(pool.memory.buffer, PARAMS * 4, 22).set([
    X * 4,
    PATCHES * 4,
    PANELS * 4,
    OUT * 4,
    BIAS * 4,
    flags,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
    nPad,
    chunkRows,
    m,
  ]);
  try {
    pool.run(build, 'convChunk', chunks, [PARAMS * 4]);
  } catch (error) {
    backend.disposeData(out.dataId);
    throw error;
  }
  const result = backend.typedArrayFromHeap(out) as Float32Array;
  if (nPad === n) {
    result.set(heap.subarray(OUT, OUT + m * n));
  } else {
    for (let i = 0; i < m; i++) result.set(heap.subarray(OUT + i * nPad, OUT + i * nPad + n), i * n);
  }
  return out;
}

/** Wraps the stock (or already wrapped) `Conv2D` or `FusedConv2D` config with {@link convByThreads}. */
export function threadedConvConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) =>
    convByThreads(args.backend as WasmBackendLike, args.inputs, args.attrs ?? {}) ?? stock.kernelFunc(args);
  return { ...stock, kernelFunc };
}
