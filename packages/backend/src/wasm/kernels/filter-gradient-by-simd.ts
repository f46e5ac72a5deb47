import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';
import type { SimdKernels } from '../simd/simd-kernels.js';

/**
 * The filter gradient of a convolution by tensorfold's SIMD kernel ({@link SimdKernels.filterGradient}),
 * straight from `x` and `dy` where they lie: no patch matrix, no packed copy of `dy`. Needs
 * `outChannels % 4 === 0`.
 *
 * `x` is `[batch, height, width, inChannels]`, `dy` `[batch, outHeight, outWidth, outChannels]`;
 * the result is `[filterHeight, filterWidth, inChannels, outChannels]`.
 */
export function filterGradientBySimd(
  scope: KernelScope,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  kernels: SimdKernels,
): TensorInfo {
  const out = scope.allocate([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  // Views after the last allocation: an allocation may move the heap.
  const { backend } = scope;
  const grad = backend.typedArrayFromHeap(out);
  grad.fill(0);
  kernels.filterGradient(
    backend.typedArrayFromHeap(x).byteOffset,
    backend.typedArrayFromHeap(dy).byteOffset,
    grad.byteOffset,
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  );
  return out;
}
