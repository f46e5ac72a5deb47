import {
  type backend_util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { KernelScope, WasmBackendLike } from '../kernel-scope.js';
import { type DirectConv, directConv } from '../simd/direct-conv.js';
import { threadedMinimum, threadedSizeRulesWaived } from '../threads/threaded-minimum.js';
import { threadPool } from '../threads/wasm-threads.js';
import { alignedFloats } from './aligned.js';
import { simpleConvolution } from './convolution-geometry.js';

/**
 * Above this many multiply-adds per output position (`filterHeight * filterWidth * inChannels`) the
 * direct kernel leaves a convolution to XNNPACK or the pool, whose packed panels reuse more of each
 * load. LeNet-5's layers have 9 and 200.
 */
export const DIRECT_CONV_MAX_PATCH = 512;

/**
 * From this many multiply-adds per output position, and this many in all, a direct convolution of 2+
 * images is split by images on the thread pool where one runs: below them the copies in and out of
 * the pool's memory cost more than a second thread gains (LeNet-5's first layer, 9 per position,
 * writes 8 floats per input float).
 */
export const THREADED_DIRECT_MIN_PATCH = 64;
export const THREADED_DIRECT_MIN_MULTIPLY_ADDS = 2 ** 20;

/**
 * Where the thread pool runs, convolutions with more output channels than this go to its packed
 * panels (conv-by-threads.ts) instead: at 2 threads (min of 20 interleaved calls, loaded 2-core AMD
 * EPYC) 1x1x64 to 256 ran 0.54x and 3x3x32 to 128 0.89x there, 1x1x256 to 64 1.15x (on one thread the
 * direct kernel beat XNNPACK on all three, 1.13x to 1.31x).
 */
export const DIRECT_MAX_CHANNELS_BESIDE_POOL = 64;

/** Chunks per thread, so that a thread the system does not schedule leaves little to the others. */
const CHUNKS_PER_THREAD = 4;

/** One direct convolution's operands (tensors on the WASM heap) and geometry. */
interface DirectCall {
  x: TensorInfo;
  w: TensorInfo;
  bias: TensorInfo | null;
  out: TensorInfo;
  flags: number;
  /** batch, inH, inW, inC, outH, outW, outC, fH, fW, padTop, padLeft */
  geometry: [number, number, number, number, number, number, number, number, number, number, number];
}

/**
 * Runs one direct convolution: on the thread pool split by images (x, w and the bias copied into its
 * memory, the output copied back) where one runs and the convolution is large enough, else on this
 * thread on the heap. Each image is computed by the same function in the same order either way: the
 * same bits for any number of threads.
 */
function runDirect(backend: WasmBackendLike, kernels: DirectConv, call: DirectCall): void {
  const { x, w, bias, out, flags, geometry } = call;
  const [batch, , , inC, outH, outW, outC, fH, fW] = geometry;
  const patch = fH * fW * inC;
  const large = threadedSizeRulesWaived() || (batch >= 2 && patch >= THREADED_DIRECT_MIN_PATCH);
  const running = large ? threadPool('directConv') : null;
  if (
    running != null &&
    batch * outH * outW * outC * patch >= threadedMinimum(THREADED_DIRECT_MIN_MULTIPLY_ADDS)
  ) {
    const { pool, build } = running;
    const size = (t: TensorInfo) => util.sizeFromShape(t.shape);
    // The pool's memory, in floats: arguments, x, w, the bias, the output.
    const PARAMS = 0;
    const X = PARAMS + 32;
    const W = X + alignedFloats(size(x));
    const BIAS = W + alignedFloats(size(w));
    const OUT = BIAS + alignedFloats(outC);
    const bytes = 4 * (OUT + size(out));
    if (bytes <= 2 ** 31 && pool.reserve(bytes)) {
      // Views after the last allocation: reserving may move the pool's memory.
      const heap = new Float32Array(pool.memory.buffer);
      heap.set(backend.typedArrayFromHeap(x) as Float32Array, X);
      heap.set(backend.typedArrayFromHeap(w) as Float32Array, W);
      if (bias != null) heap.set(backend.typedArrayFromHeap(bias) as Float32Array, BIAS);
      const per = Math.ceil(batch / (pool.threads * CHUNKS_PER_THREAD));
      new Int32Array(pool.memory.buffer, PARAMS * 4, 17).set([
        X * 4,
        W * 4,
        BIAS * 4,
        OUT * 4,
        flags,
        ...geometry,
        per,
      ]);
      pool.run(build, 'directConvChunk', Math.ceil(batch / per), [PARAMS * 4]);
      (backend.typedArrayFromHeap(out) as Float32Array).set(heap.subarray(OUT, OUT + size(out)));
      return;
    }
  }
  const offset = (t: TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
  const [, ...sizes] = geometry;
  kernels.directConv(
    offset(x),
    offset(w),
    bias != null ? offset(bias) : 0,
    offset(out),
    flags,
    0,
    batch,
    ...sizes,
  );
}

/** Whether the direct kernel computes a convolution of this geometry (where SIMD runs). */
export function directConvFits(info: backend_util.Conv2DInfo): boolean {
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.dataFormat === 'channelsLast' &&
    info.outChannels % 8 === 0 &&
    info.batchSize > 0 &&
    info.outHeight > 0 &&
    info.outWidth > 0 &&
    info.inChannels > 0 &&
    info.filterHeight * info.filterWidth * info.inChannels <= DIRECT_CONV_MAX_PATCH
  );
}

/**
 * `Conv2D` and `FusedConv2D` (per-channel bias, linear or relu) at stride 1 by tensorfold's direct
 * SIMD kernel ({@link directConv}): each output position's sum over (kh, kw, ci) in order, straight
 * from `x` on the heap. Null to leave it to the next path: no SIMD, strided or dilated, channels
 * first, output channels not a multiple of 8 (or above {@link DIRECT_MAX_CHANNELS_BESIDE_POOL} where
 * the pool runs), a patch above {@link DIRECT_CONV_MAX_PATCH}, another activation, a prelu.
 *
 * `x` is `[batch, height, width, inChannels]`, `filter` `[filterHeight, filterWidth, inChannels,
 * outChannels]`; the result `[batch, outHeight, outWidth, outChannels]`.
 */
export function convBySimd(
  backend: WasmBackendLike,
  inputs: Record<string, TensorInfo | undefined>,
  attrs: NamedAttrMap,
): TensorInfo | null {
  const conv = simpleConvolution(inputs, attrs);
  if (conv == null) return null;
  const { x, filter, bias, activation, info } = conv;
  if (!directConvFits(info)) return null;
  if (info.outChannels > DIRECT_MAX_CHANNELS_BESIDE_POOL && threadPool('matMul') != null) return null;
  const kernels = directConv(backend);
  if (kernels == null) return null;
  const out = backend.makeOutput(info.outShape, 'float32');
  try {
    runDirect(backend, kernels, {
      x,
      w: filter,
      bias: bias ?? null,
      out,
      flags: (bias != null ? 1 : 0) | (activation === 'relu' ? 2 : 0),
      geometry: [
        info.batchSize,
        info.inHeight,
        info.inWidth,
        info.inChannels,
        info.outHeight,
        info.outWidth,
        info.outChannels,
        info.filterHeight,
        info.filterWidth,
        info.padInfo.top,
        info.padInfo.left,
      ],
    });
  } catch (error) {
    backend.disposeData(out.dataId);
    throw error;
  }
  return out;
}

/**
 * The input gradient of a stride-1 convolution by the direct kernel: `dy` correlated with the filter
 * flipped in space and with its channel axes swapped (packed here, `[fH, fW, outChannels,
 * inChannels]`), padded by `filter - 1 - padding` on each side, which the kernel skips instead of
 * multiplying zeros. Null where {@link directConvFits} says no for that correlation (input
 * channels not a multiple of 8, ...) or SIMD does not run.
 *
 * `dy` is `[batch, outHeight, outWidth, outChannels]`, `filter` `[fH, fW, inChannels, outChannels]`;
 * the result `[batch, inHeight, inWidth, inChannels]`.
 */
export function inputGradientBySimd(
  scope: KernelScope,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | null {
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const { filterHeight: fH, filterWidth: fW, inChannels: inC, outChannels: outC } = info;
  // The correlation's geometry: dy in, dx out.
  const fits =
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    inC % 8 === 0 &&
    info.batchSize > 0 &&
    info.inHeight > 0 &&
    info.inWidth > 0 &&
    info.outHeight > 0 &&
    info.outWidth > 0 &&
    outC > 0 &&
    fH * fW * outC <= DIRECT_CONV_MAX_PATCH;
  if (!fits) return null;
  // The correlation's output channels are the convolution's input channels.
  if (inC > DIRECT_MAX_CHANNELS_BESIDE_POOL && threadPool('matMul') != null) return null;
  const kernels = directConv(scope.backend);
  if (kernels == null) return null;
  const packed = scope.allocate([fH, fW, outC, inC]);
  const dx = scope.allocate([info.batchSize, info.inHeight, info.inWidth, inC]);
  // Views after the last allocation: an allocation may move the heap.
  const { backend } = scope;
  const w = backend.typedArrayFromHeap(filter) as Float32Array;
  const flipped = backend.typedArrayFromHeap(packed) as Float32Array;
  // flipped[kh, kw, co, ci] = w[fH - 1 - kh, fW - 1 - kw, ci, co]
  for (let kh = 0; kh < fH; kh++) {
    for (let kw = 0; kw < fW; kw++) {
      const from = ((fH - 1 - kh) * fW + (fW - 1 - kw)) * inC * outC;
      const to = (kh * fW + kw) * outC * inC;
      for (let ci = 0; ci < inC; ci++) {
        for (let co = 0; co < outC; co++) flipped[to + co * inC + ci] = w[from + ci * outC + co];
      }
    }
  }
  runDirect(backend, kernels, {
    x: dy,
    w: packed,
    bias: null,
    out: dx,
    flags: 0,
    geometry: [
      info.batchSize,
      info.outHeight,
      info.outWidth,
      outC,
      info.inHeight,
      info.inWidth,
      inC,
      fH,
      fW,
      fH - 1 - info.padInfo.top,
      fW - 1 - info.padInfo.left,
    ],
  });
  return dx;
}

/** Wraps the stock (or already wrapped) `Conv2D` or `FusedConv2D` config with {@link convBySimd}. */
export function directConvConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) =>
    convBySimd(args.backend as WasmBackendLike, args.inputs, args.attrs ?? {}) ?? stock.kernelFunc(args);
  return { ...stock, kernelFunc };
}
