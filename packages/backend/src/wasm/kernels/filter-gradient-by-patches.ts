import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';
import { transposedPatches } from './transposed-patches.js';

/**
 * The filter gradient of a convolution as one XNNPACK matrix product over image patches:
 * `dW[(kh, kw, ci), co] = patches[(kh, kw, ci), positions] . dy[positions, co]`, where the patches
 * are written once (see {@link transposedPatches}) and `dy` is used as it lies. Its extra work is
 * `filterHeight * filterWidth * inChannels` floats per output position, so it suits layers with
 * few input channels (the first layer of an image network), where the convolution form would spend
 * most of its time transposing and repacking a large `dy`.
 *
 * `x` is `[batch, height, width, inChannels]`, `dy` `[batch, outHeight, outWidth, outChannels]`;
 * the result is `[filterHeight, filterWidth, inChannels, outChannels]`.
 */
export function filterGradientByPatches(
  scope: KernelScope,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  // [1, taps, positions]
  const patches = scope.reshape(transposedPatches(scope, x, info), [1, taps, positions]);
  // [1, taps, outChannels]
  const grad = scope.run(
    'BatchMatMul',
    { a: patches, b: scope.reshape(dy, [1, positions, info.outChannels]) },
    { transposeA: false, transposeB: false },
  );
  return scope.reshape(grad, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
}
