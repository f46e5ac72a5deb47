import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';
import { blockedFilterGradient } from '../simd/filter-gradient-blocked.js';
import type { SimdKernels } from '../simd/simd-kernels.js';
import { filterGradientSizes } from './convolution-geometry.js';

/** Whether {@link filterGradientBySimd} runs the register-blocked kernel for `info` (where SIMD runs). */
export function usesBlockedFilterGradient(info: backend_util.Conv2DInfo): boolean {
  return (
    info.inChannels > 0 &&
    info.inChannels % 4 === 0 &&
    info.outChannels > 0 &&
    info.outChannels % 8 === 0 &&
    info.outHeight > 0 &&
    info.outWidth > 0
  );
}

/**
 * The filter gradient of a convolution by tensorfold's SIMD kernel ({@link SimdKernels.filterGradient}),
 * straight from `x` and `dy` where they lie: no patch matrix, no packed copy of `dy`. Needs
 * `outChannels % 4 === 0`. Where the input channels are a multiple of 4 and the output channels of 8,
 * the register-blocked kernel ({@link blockedFilterGradient}) runs instead: measured (2-core AMD
 * EPYC, loaded, min of 8) on a DCGAN discriminator's second layer (64x14x14x64, 4x4 stride 2 to 128)
 * in about half the time.
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
  const blocked = usesBlockedFilterGradient(info) ? blockedFilterGradient(backend) : null;
  const run = blocked ? blocked.filterGradientBlocked.bind(blocked) : kernels.filterGradient.bind(kernels);
  if (info.batchSize === 0) return out;
  run(
    backend.typedArrayFromHeap(x).byteOffset,
    backend.typedArrayFromHeap(dy).byteOffset,
    grad.byteOffset,
    ...filterGradientSizes(info),
  );
  return out;
}
