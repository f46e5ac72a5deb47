import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';

/**
 * The input gradient of a strided `conv2d` as one matrix product and a scatter (col2im): every output
 * position's contribution to every filter tap, `columns[p, (kh, kw, ci)] = sum over co of dy[p, co] *
 * W[kh, kw, ci, co]`, by tensorfold's matMul, then added into `dx` where the forward pass read it. For
 * layers with few input channels (an image network's first layer, a generator's output layer), where
 * the per-phase XNNPACK convolutions of {@link inputGradientByPhases} would each produce only 1 to 4
 * channels (a matrix product one to four columns wide).
 *
 * `dy` is `[batch, outHeight, outWidth, outChannels]` (NHWC), `filter` `[filterHeight, filterWidth,
 * inChannels, outChannels]`; the result is `[batch, inHeight, inWidth, inChannels]`. Needs dilation 1.
 */
export function inputGradientByColumns(
  scope: KernelScope,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels, filterHeight, filterWidth, inChannels } = info;
  const positions = batchSize * outHeight * outWidth;
  const taps = filterHeight * filterWidth * inChannels;
  if (positions === 0 || outChannels === 0 || taps === 0) {
    const zeros = scope.allocate([batchSize, info.inHeight, info.inWidth, inChannels]);
    (scope.backend.typedArrayFromHeap(zeros) as Float32Array).fill(0);
    return zeros;
  }
  // [1, positions, taps]
  const columns = scope.run(
    'BatchMatMul',
    {
      a: scope.reshape(dy, [1, positions, outChannels]),
      b: scope.reshape(filter, [1, taps, outChannels]),
    },
    { transposeA: false, transposeB: true },
  );
  const dx = scope.allocate([batchSize, info.inHeight, info.inWidth, inChannels]);
  // Views after the last allocation: an allocation may move the heap.
  const out = scope.backend.typedArrayFromHeap(dx) as Float32Array;
  out.fill(0);
  scatterColumns(scope.backend.typedArrayFromHeap(columns) as Float32Array, out, info);
  return dx;
}

/** `dx[b, oh*sh + kh - pt, ow*sw + kw - pl, ci] += columns[(b, oh, ow), (kh, kw, ci)]` inside the image. */
function scatterColumns(columns: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const rowTaps = filterWidth * inChannels;
  let read = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      // Filter rows [kh0, kh1) land inside the image.
      const row0 = oh * strideHeight - top;
      const kh0 = Math.max(0, -row0);
      const kh1 = Math.min(filterHeight, inHeight - row0);
      for (let ow = 0; ow < outWidth; ow++, read += filterHeight * rowTaps) {
        const col0 = ow * strideWidth - left;
        const kw0 = Math.max(0, -col0);
        const kw1 = Math.min(filterWidth, inWidth - col0);
        for (let kh = kh0; kh < kh1; kh++) {
          let from = read + (kh * filterWidth + kw0) * inChannels;
          let to = ((b * inHeight + row0 + kh) * inWidth + col0 + kw0) * inChannels;
          for (let n = (kw1 - kw0) * inChannels; n > 0; n--) dx[to++] += columns[from++];
        }
      }
    }
  }
}
