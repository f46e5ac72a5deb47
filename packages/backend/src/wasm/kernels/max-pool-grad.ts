import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';
import { simdKernels } from '../simd/simd-kernels.js';
import { isTiledByPairs } from './convolution-geometry.js';

/**
 * The gradient of `maxPool`: each window's `dy` goes to the first position (in row-major window
 * order) that holds the window's maximum, as on the CPU backend; a window with no number above
 * -Infinity (all -Infinity or NaN) passes no gradient.
 *
 * Replaces the stock tfjs-backend-wasm 4.22 kernel, which starts each window's maximum at 0 instead
 * of -Infinity and so drops the gradient of every window whose values are all negative. It runs
 * directly on the WASM heap and uses the forward output: the maximum of each window is known, so a
 * scan stops at the first input equal to it (2.5 reads per 2x2 window on average instead of a full
 * comparison chain); a window where no input equals it (NaN) is scanned for its largest number.
 * 2x2 windows at stride 2 that lie inside the image (every `maxPooling2d` with the default pool and
 * `'valid'` padding) take tensorfold's SIMD kernel where it runs and the channels are a multiple of
 * 4, else an unrolled JavaScript path. LeNet-5's pools, min of 60 runs (general, unrolled, SIMD):
 * the first (64x28x28x8) 1.74, 1.54 and 0.11 ms; the second (64x10x10x16) 0.36, 0.15 and 0.035 ms.
 */
function maxPoolGrad(args: {
  inputs: MaxPoolGradInputs;
  backend: WasmBackendLike;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { dy, input, output } = args.inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { backend } = args;
  const out = backend.makeOutput(input.shape, 'float32');
  // Views after the last allocation: an allocation may move the heap.
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const y = backend.typedArrayFromHeap(output) as Float32Array;
  const dyValues = backend.typedArrayFromHeap(dy) as Float32Array;
  const pairs = isTiledByPairs(info);
  const simd = pairs && info.inChannels % 4 === 0 ? simdKernels(backend) : null;
  // The SIMD kernel writes all four positions of every window: where the windows tile the whole
  // image (even sizes), it writes every element of dx and needs no zeros first.
  const tilesAll = simd != null && info.inHeight === 2 * info.outHeight && info.inWidth === 2 * info.outWidth;
  if (!tilesAll) dx.fill(0);
  // The SIMD kernel reports a NaN or -Infinity maximum instead of scanning for the largest number:
  // the JavaScript path then redoes the whole input (it writes the same values where the kernel wrote).
  const simdDone =
    simd != null &&
    simd.maxPoolGradPairs(
      x.byteOffset,
      y.byteOffset,
      dyValues.byteOffset,
      dx.byteOffset,
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
    ) === 0;
  if (!simdDone) {
    if (tilesAll) dx.fill(0);
    (pairs ? scatterToPairMaxima : scatterToWindowMaxima)(x, y, dyValues, dx, info);
  }
  return out;
}

/**
 * {@link scatterToWindowMaxima} for 2x2 windows at stride 2 inside the image (see
 * {@link isTiledByPairs}), unrolled: the windows do not overlap, so each `dx` position gets at
 * most one `dy`.
 */
function scatterToPairMaxima(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const rowStride = inWidth * channels;
  const step = 2 * channels;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      let corner = (b * inHeight + 2 * oh) * rowStride;
      for (let ow = 0; ow < outWidth; ow++, corner += step) {
        for (let c = 0; c < channels; c++, o++) {
          const maximum = y[o];
          const p = corner + c; // row-major: p, p + channels, p + rowStride, p + rowStride + channels
          let at = -1;
          if (maximum > Number.NEGATIVE_INFINITY) {
            if (x[p] === maximum) at = p;
            else if (x[p + channels] === maximum) at = p + channels;
            else if (x[p + rowStride] === maximum) at = p + rowStride;
            else if (x[p + rowStride + channels] === maximum) at = p + rowStride + channels;
          }
          if (at < 0) at = firstLargest(x, p, 2, 2, channels, rowStride); // NaN or all -Infinity
          if (at >= 0) dx[at] = dy[o];
        }
      }
    }
  }
}

/**
 * `dx[first position of each window's maximum] += dy[window]` over NHWC arrays: `x` and `dx`
 * shaped like the pooling input, `y` (the window maxima) and `dy` like its output.
 */
function scatterToWindowMaxima(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const rowStride = inWidth * channels;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = Math.max(oh * strideHeight - top, 0);
      const rowEnd = Math.min(oh * strideHeight - top + filterHeight, inHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const colStart = Math.max(ow * strideWidth - left, 0);
        const colEnd = Math.min(ow * strideWidth - left + filterWidth, inWidth);
        const corner = image + rowStart * rowStride + colStart * channels;
        const rows = rowEnd - rowStart;
        const cols = colEnd - colStart;
        for (let c = 0; c < channels; c++, o++) {
          const maximum = y[o];
          let at =
            maximum > Number.NEGATIVE_INFINITY
              ? firstEqual(x, corner + c, rows, cols, channels, rowStride, maximum)
              : -1;
          if (at < 0) at = firstLargest(x, corner + c, rows, cols, channels, rowStride);
          if (at >= 0) dx[at] += dy[o];
        }
      }
    }
  }
}

/** Flat index of the first element of a window (row-major) equal to `value`, or -1. */
function firstEqual(
  x: Float32Array,
  corner: number,
  rows: number,
  cols: number,
  step: number,
  rowStride: number,
  value: number,
): number {
  for (let r = 0, row = corner; r < rows; r++, row += rowStride) {
    for (let col = 0, p = row; col < cols; col++, p += step) {
      if (x[p] === value) return p;
    }
  }
  return -1;
}

/** Flat index of the first largest number of a window (row-major), or -1 when none exceeds -Infinity. */
function firstLargest(
  x: Float32Array,
  corner: number,
  rows: number,
  cols: number,
  step: number,
  rowStride: number,
): number {
  let best = Number.NEGATIVE_INFINITY;
  let at = -1;
  for (let r = 0, row = corner; r < rows; r++, row += rowStride) {
    for (let col = 0, p = row; col < cols; col++, p += step) {
      if (x[p] > best) {
        best = x[p];
        at = p;
      }
    }
  }
  return at;
}

/** Kernel config of {@link maxPoolGrad} for the `wasm` backend (replaces the stock one). */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
