import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';

/**
 * The image patches a convolution reads, one row per filter tap, written directly on the WASM heap:
 * `patches[(kh * filterWidth + kw) * inChannels + ci, (b * outHeight + oh) * outWidth + ow] =
 * x[b, oh * strideHeight + kh * dilationHeight - padTop, ow * strideWidth + kw * dilationWidth - padLeft, ci]`
 * (zero where that falls in the padding).
 *
 * `[batch, height, width, inChannels]` to `[filterHeight * filterWidth * inChannels, batch * outHeight * outWidth]`:
 * the transpose of the usual im2col matrix, laid out so that a plain (XNNPACK) matrix product with
 * `dy` as `[batch * outHeight * outWidth, outChannels]` sums over every output position.
 */
export function transposedPatches(
  scope: KernelScope,
  x: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const out = scope.allocate([filterHeight * filterWidth * inChannels, batchSize * outHeight * outWidth]);
  // Views after the last allocation: an allocation may move the heap.
  const source = scope.backend.typedArrayFromHeap(x) as Float32Array;
  const patches = scope.backend.typedArrayFromHeap(out) as Float32Array;
  writePatches(source, patches, info);
  return out;
}

/** The loops of {@link transposedPatches}, on plain arrays (every loop bound hoisted into a local). */
function writePatches(source: Float32Array, patches: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const rowStride = inWidth * inChannels;
  const imageStride = inHeight * rowStride;
  const step = strideWidth * inChannels;
  let write = 0;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      // Output columns [first, end) read inside the image; the others read padding.
      const col0 = kw * dilationWidth - left;
      const first = Math.min(col0 < 0 ? Math.ceil(-col0 / strideWidth) : 0, outWidth);
      const end = Math.max(Math.min(outWidth, Math.ceil((inWidth - col0) / strideWidth)), first);
      for (let ci = 0; ci < inChannels; ci++) {
        for (let b = 0; b < batchSize; b++) {
          for (let oh = 0; oh < outHeight; oh++) {
            const row = oh * strideHeight + kh * dilationHeight - top;
            if (row < 0 || row >= inHeight) {
              patches.fill(0, write, write + outWidth);
              write += outWidth;
              continue;
            }
            let ow = 0;
            for (; ow < first; ow++) patches[write++] = 0;
            let read = b * imageStride + row * rowStride + (col0 + first * strideWidth) * inChannels + ci;
            for (; ow < end; ow++, read += step) patches[write++] = source[read];
            for (; ow < outWidth; ow++) patches[write++] = 0;
          }
        }
      }
    }
  }
}
